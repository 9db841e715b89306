using SENet.Evaluation.Pipeline;

namespace SENet.Client;

/// <summary>Progress lines on standard error for non-interactive runs (logs, CI): at most one every two seconds.</summary>
public sealed class ProgressReporter(TextWriter error) : IProgress<EvaluationProgress>
{
    private readonly Lock _lock = new();
    private DateTime _last = DateTime.MinValue;
    private long _lastDone = -1;

    public void Report(EvaluationProgress value)
    {
        lock (_lock)
        {
            var now = DateTime.UtcNow;
            if (value.Done == _lastDone || (now - _last < TimeSpan.FromSeconds(2) && value.Done < value.Total))
            {
                return;
            }

            _last = now;
            _lastDone = value.Done;
            error.WriteLine($"progress: {value.Done}/{value.Total} images ({value.Failed} failed), {value.ImagesPerSecond:F1} images/s, ETA {Format(value.Eta)}");
        }
    }

    public static string Format(TimeSpan? eta) => eta is { } t ? t.ToString(t.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", System.Globalization.CultureInfo.InvariantCulture) : "-";
}
