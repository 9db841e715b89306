using SENet.Contracts.Jobs;

namespace SENet.Client;

/// <summary>Progress lines on standard error for non-interactive runs (logs, CI): at most one every two seconds.</summary>
public sealed class ProgressReporter(TextWriter error)
{
    private DateTime _last = DateTime.MinValue;
    private long _lastDone = -1;

    public void Report(JobStatus status)
    {
        var now = DateTime.UtcNow;
        if (status.ImagesDone == _lastDone || (now - _last < TimeSpan.FromSeconds(2) && !status.IsFinished))
        {
            return;
        }

        _last = now;
        _lastDone = status.ImagesDone;
        error.WriteLine($"progress: {status.ImagesDone}/{status.ImagesTotal} images ({status.ImagesFailed} failed), {status.ImagesPerSecond:F1} images/s, ETA {Format(status.Eta)}");
    }

    public static string Format(TimeSpan? eta) => eta is { } t ? t.ToString(t.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", System.Globalization.CultureInfo.InvariantCulture) : "-";
}
