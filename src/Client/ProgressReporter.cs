using System.Globalization;
using SENet.Contracts.Jobs;

namespace SENet.Client;

/// <summary>
/// A job's progress as plain lines, for logs and CI (no colour, no cursor movement): a progress line at most every
/// <see cref="Interval"/> while images are done (and at least every <see cref="Heartbeat"/>), a line per device when it
/// joins and every <see cref="DeviceInterval"/>, each failed image and stopped worker once as it arrives, and the
/// final figures once.
/// </summary>
public sealed class ProgressReporter(TextWriter lines, TimeProvider? clock = null)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);

    public static readonly TimeSpan DeviceInterval = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly HashSet<string> _devicesShown = [];
    private DateTimeOffset _lastLine = DateTimeOffset.MinValue;
    private DateTimeOffset _lastDevices = DateTimeOffset.MinValue;
    private long _lastDone = -1;
    private JobState? _lastState;
    private bool _finished;

    public void Report(JobStatus status)
    {
        if (_finished || status.State == JobState.NotStarted)
        {
            return;
        }

        var now = _clock.GetUtcNow();
        var changed = status.ImagesDone != _lastDone || status.State != _lastState;
        // Every image done but still running: the coordinator is writing the report, and the line worth printing is its end.
        var writingEnd = status.State == JobState.Running && status.ImagesTotal > 0 && status.ImagesDone >= status.ImagesTotal;
        var due = _lastState is null || status.IsFinished || (changed && !writingEnd && now - _lastLine >= Interval) || now - _lastLine >= Heartbeat;
        if (due)
        {
            lines.WriteLine(ProgressLine(status));
            (_lastLine, _lastDone, _lastState, _finished) = (now, status.ImagesDone, status.State, status.IsFinished);
        }

        var allDevices = status.IsFinished || (due && now - _lastDevices >= DeviceInterval);
        foreach (var worker in status.Workers.Where(w => allDevices || !_devicesShown.Contains(w.Worker)))
        {
            lines.WriteLine(DeviceLine(worker));
            _devicesShown.Add(worker.Worker);
        }

        if (allDevices)
        {
            _lastDevices = now;
        }
    }

    public void Report(JobEvent jobEvent) => lines.WriteLine(EventLine(jobEvent));

    /// <summary>Events the coordinator no longer kept when asked (a burst of failures between two polls).</summary>
    public void ReportMissed(long missed) => lines.WriteLine(MissedLine(missed));

    public static string ProgressLine(JobStatus status) =>
        $"progress: {status.ImagesDone}/{status.ImagesTotal} images ({status.ImagesFailed} failed), {Percent(status)} %, "
        + $"{status.ImagesPerSecond.ToString("F1", CultureInfo.InvariantCulture)} images/s, ETA {Format(status.Eta)}, elapsed {Format(status.Elapsed)}"
        + (status.State == JobState.Running ? "" : $" ({status.State.ToString().ToLowerInvariant()})");

    public static string DeviceLine(WorkerFigures worker) =>
        $"device {worker.Device} on {worker.Silo}: {worker.ImagesDone} images, {worker.ImagesPerSecond.ToString("F1", CultureInfo.InvariantCulture)} images/s, "
        + $"{Count(worker.ShardsHeld, "shard")} held, {Count(worker.ShardsCompleted, "shard")} done";

    public static string EventLine(JobEvent jobEvent) => jobEvent.Kind switch
    {
        JobEventKind.ImageFailed => $"failed: {jobEvent.Subject}: {jobEvent.Reason}",
        _ => $"worker stopped: {jobEvent.Subject}: {jobEvent.Reason}",
    };

    public static string MissedLine(long missed) => $"failed: {missed} more events were not shown (the coordinator keeps the latest); the report lists every failed image";

    public static string Percent(JobStatus status) =>
        (status.ImagesTotal > 0 ? 100.0 * status.ImagesDone / status.ImagesTotal : 0).ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>m:ss, or h:mm:ss from an hour on (hours past a day keep counting: 26:03:00).</summary>
    public static string Format(TimeSpan? eta) => eta switch
    {
        null => "-",
        { TotalHours: >= 1 } t => string.Create(CultureInfo.InvariantCulture, $"{(long)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}"),
        { } t => t.ToString(@"m\:ss", CultureInfo.InvariantCulture),
    };

    private static string Count(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";
}
