namespace SENet.Evaluation.Models;

/// <summary>Where a session runs: <c>auto</c>, <c>cpu</c>, or <c>cuda[:N]</c>.</summary>
public sealed record InferenceDevice(DeviceKind Kind, int Index = 0)
{
    public static InferenceDevice Auto { get; } = new(DeviceKind.Auto);
    public static InferenceDevice Cpu { get; } = new(DeviceKind.Cpu);

    public static InferenceDevice Parse(string text)
    {
        var value = text.Trim().ToLowerInvariant();
        if (value == "auto")
        {
            return Auto;
        }

        if (value == "cpu")
        {
            return Cpu;
        }

        if (value == "cuda")
        {
            return new InferenceDevice(DeviceKind.Cuda);
        }

        if (value.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(value.AsSpan(5), out var index) && index >= 0)
        {
            return new InferenceDevice(DeviceKind.Cuda, index);
        }

        throw new FormatException($"Unknown device '{text}'. Use auto, cpu, cuda or cuda:N (N = the GPU's index, from 0).");
    }

    public override string ToString() => Kind switch
    {
        DeviceKind.Auto => "auto",
        DeviceKind.Cpu => "cpu",
        _ => $"cuda:{Index}",
    };
}
