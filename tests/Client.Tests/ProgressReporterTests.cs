using SENet.Contracts.Jobs;

namespace SENet.Client.Tests;

/// <summary>The plain lines' pace, with a clock the test moves: modest in a CI log, never silent for long, final once.</summary>
public sealed class ProgressReporterTests
{
    private static readonly WorkerFigures First = new("10.0.0.4:11111@1/cpu:0", "10.0.0.4:11111@1", "cpu:0", 0, 0, 1, 0);
    private static readonly WorkerFigures Second = new("10.0.0.5:11111@1/cpu:0", "10.0.0.5:11111@1", "cpu:0", 0, 0, 1, 0);

    [Fact]
    public void ProgressLinesComeAtMostEveryIntervalAtLeastEveryHeartbeatAndTheEndOnce()
    {
        // 100/100 while the report is written is not printed: the end, with its state, follows.
        var clock = new ManualClock();
        var lines = new StringWriter();
        var reporter = new ProgressReporter(lines, clock);

        reporter.Report(Status(0));
        clock.Now += ProgressReporter.Interval / 2;
        reporter.Report(Status(10));
        clock.Now += ProgressReporter.Interval / 2;
        reporter.Report(Status(20));
        clock.Now += ProgressReporter.Heartbeat;
        reporter.Report(Status(20));
        clock.Now += ProgressReporter.Interval;
        reporter.Report(Status(100));
        reporter.Report(Status(100, JobState.Completed));
        reporter.Report(Status(100, JobState.Completed));

        Assert.Equal(["progress: 0/100", "progress: 20/100", "progress: 20/100", "progress: 100/100"], Progress(lines));
        Assert.EndsWith("(completed)", Lines(lines).Last(l => l.StartsWith("progress: ", StringComparison.Ordinal)));
    }

    [Fact]
    public void ADeviceIsShownWhenItJoinsEveryDeviceIntervalAndAtTheEnd()
    {
        var clock = new ManualClock();
        var lines = new StringWriter();
        var reporter = new ProgressReporter(lines, clock);

        reporter.Report(Status(0, workers: [First]));
        clock.Now += ProgressReporter.Interval;
        reporter.Report(Status(10, workers: [First, Second]));
        clock.Now += ProgressReporter.Interval;
        reporter.Report(Status(20, workers: [First, Second]));
        clock.Now += ProgressReporter.DeviceInterval;
        reporter.Report(Status(30, workers: [First, Second]));
        reporter.Report(Status(100, JobState.Cancelled, [First, Second]));

        var devices = Lines(lines).Select(l => l.StartsWith("device ", StringComparison.Ordinal) ? l.Split(':')[1] : l.Split(',')[0]).ToList();
        Assert.Equal(
        [
            "progress: 0/100 images (0 failed)", "0 on 10.0.0.4",
            "progress: 10/100 images (0 failed)", "0 on 10.0.0.5",
            "progress: 20/100 images (0 failed)",
            "progress: 30/100 images (0 failed)", "0 on 10.0.0.4", "0 on 10.0.0.5",
            "progress: 100/100 images (0 failed)", "0 on 10.0.0.4", "0 on 10.0.0.5",
        ], devices);
        Assert.Contains("device cpu:0 on 10.0.0.4:11111@1: 0 images, 0.0 images/s, 1 shard held, 0 shards done", Lines(lines));
    }

    [Fact]
    public void EventsAreOneLineEachNamingTheImageOrWorkerAndWhy()
    {
        var lines = new StringWriter();
        var reporter = new ProgressReporter(lines);

        reporter.Report(new JobEvent(0, JobEventKind.ImageFailed, "n01/bad.jpg", "decode: truncated", "w"));
        reporter.Report(new JobEvent(1, JobEventKind.WorkerStopped, "10.0.0.4:11111@1/cuda:0", "CUDA is not available", "w"));
        reporter.ReportMissed(57);

        Assert.Equal(
        [
            "failed: n01/bad.jpg: decode: truncated",
            "worker stopped: 10.0.0.4:11111@1/cuda:0: CUDA is not available",
            "failed: 57 more events were not shown (the coordinator keeps the latest); the report lists every failed image",
        ], Lines(lines));
    }

    [Theory]
    [InlineData(null, "-")]
    [InlineData(59.4, "0:59")]
    [InlineData(3_725.0, "1:02:05")]
    [InlineData(93_780.0, "26:03:00")]
    public void DurationsReadAsClockTimes(double? seconds, string expected) =>
        Assert.Equal(expected, ProgressReporter.Format(seconds is { } s ? TimeSpan.FromSeconds(s) : null));

    private static JobStatus Status(long done, JobState state = JobState.Running, IReadOnlyList<WorkerFigures>? workers = null) =>
        new() { JobId = "j", State = state, ImagesScored = done, ImagesTotal = 100, Workers = workers ?? [] };

    private static List<string> Lines(StringWriter writer) => [.. writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static List<string> Progress(StringWriter writer) =>
        [.. Lines(writer).Where(l => l.StartsWith("progress: ", StringComparison.Ordinal)).Select(l => l.Split(' ')[..2]).Select(p => string.Join(' ', p))];
}
