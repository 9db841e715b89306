using System.Globalization;

namespace SENet.Evaluation.Models;

/// <summary>
/// What one model's sessions take on a GPU, estimated before any is loaded, and the rule that refuses a job whose
/// sessions cannot fit a device's memory limit. One session per model and stream: a device holds models × streams.
/// The estimate per session: the parameters at 4 bytes each (float32; a float16 model is over-estimated, never under),
/// plus the activations of one batch, taken as <see cref="ActivationsPerInput"/> input-sized tensors per image (a
/// ResNet's widest stage holds tensors of 5.3 input sizes at 56×56×256, with the residual and the next tensor live at
/// once). cuDNN's workspace and ONNX Runtime's arena rounding are not counted: the limit should leave them room.
/// </summary>
public static class SessionMemoryEstimate
{
    public const int ActivationsPerInput = 16;

    private const long MiB = 1024 * 1024;

    /// <summary>Estimated bytes of one session of a model with <paramref name="parameters"/> parameters, run in batches of <paramref name="batchSize"/> images of 3 × <paramref name="height"/> × <paramref name="width"/>.</summary>
    public static long SessionBytes(long parameters, int batchSize, int height, int width) =>
        checked((parameters * sizeof(float)) + ((long)batchSize * 3 * height * width * sizeof(float) * ActivationsPerInput));

    /// <summary>
    /// <see cref="SessionBytes(long, int, int, int)"/> of a described model: its input's height and width as its graph
    /// declares them, <paramref name="fallbackSide"/> where a side is symbolic.
    /// </summary>
    public static long SessionBytes(ModelDescription model, int batchSize, int fallbackSide)
    {
        var dimensions = model.Inputs.FirstOrDefault()?.Dimensions ?? [];
        int Side(int axis) => dimensions.Count > axis && int.TryParse(dimensions[axis], out var side) && side > 0 ? side : fallbackSide;
        return SessionBytes(model.Parameters, batchSize, Side(2), Side(3));
    }

    /// <summary>
    /// Refuses, with the figures, models whose sessions (each <paramref name="streams"/> times) need more than
    /// <paramref name="limitMb"/> MiB together; 0 is no limit. Returns the device's sessions and their estimated MiB.
    /// </summary>
    public static (int Sessions, long Megabytes) CheckFits(IReadOnlyList<(string Model, long SessionBytes)> models, int streams, long limitMb, string device)
    {
        var sessions = models.Count * streams;
        var total = models.Sum(m => m.SessionBytes) * streams;
        var megabytes = (total + MiB - 1) / MiB;
        if (limitMb > 0 && total > limitMb * MiB)
        {
            var each = string.Join(", ", models.Select(m => $"{m.Model} {Figure((m.SessionBytes + MiB - 1) / MiB)} MiB"));
            throw new ModelValidationException(
                $"{device} would hold {sessions} session(s) ({models.Count} model(s) × {streams} stream(s)) needing about {Figure(megabytes)} MiB ({each} a session), " +
                $"more than SENet:Devices:Cuda:MemoryLimitMb = {Figure(limitMb)} MiB. Evaluate fewer models per job, lower --batch-size, or raise the limit.");
        }

        return (sessions, megabytes);
    }

    private static string Figure(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
