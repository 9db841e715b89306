using System.Globalization;
using SENet.Contracts.Jobs;
using Spectre.Console;

namespace SENet.Client.Cluster;

/// <summary>Follows a job until it ends: a live table per worker on a terminal, progress lines on standard error otherwise.</summary>
public static class JobWatcher
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public static async Task<JobStatus> WatchAsync(CliConsole console, IGrainFactory grains, string jobId, CancellationToken cancellationToken)
    {
        var job = grains.GetGrain<IEvaluationJobGrain>(jobId);
        if (!console.Out.Profile.Capabilities.Interactive)
        {
            var reporter = new ProgressReporter(console.Error);
            while (true)
            {
                var status = await job.GetStatusAsync();
                reporter.Report(status);
                if (status.IsFinished || status.State == JobState.NotStarted)
                {
                    return status;
                }

                await Task.Delay(Poll, cancellationToken);
            }
        }

        var last = await job.GetStatusAsync();
        await console.Out.Live(Render(last)).StartAsync(async context =>
        {
            while (!last.IsFinished && last.State != JobState.NotStarted)
            {
                await Task.Delay(Poll, cancellationToken);
                last = await job.GetStatusAsync();
                context.UpdateTarget(Render(last));
            }
        });
        return last;
    }

    public static Table Render(JobStatus status)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"{status.JobId}: {status.State.ToString().ToLowerInvariant()}, {status.ImagesDone:N0}/{status.ImagesTotal:N0} images, {status.ImagesPerSecond:F1}/s, ETA {ProgressReporter.Format(status.Eta)}"))
            .AddColumns("worker", "silo", "device", "images", "images/s", "shards done", "holding");
        foreach (var worker in status.Workers)
        {
            table.AddRow(Markup.Escape(worker.Worker), Markup.Escape(worker.Silo), Markup.Escape(worker.Device),
                worker.ImagesDone.ToString("N0", CultureInfo.InvariantCulture), worker.ImagesPerSecond.ToString("F1", CultureInfo.InvariantCulture),
                worker.ShardsCompleted.ToString(CultureInfo.InvariantCulture), worker.ShardsHeld.ToString(CultureInfo.InvariantCulture));
        }

        var waiting = Math.Max(0, status.ShardsTotal - status.ShardsDone - status.ShardsLeased);
        table.Caption(Markup.Escape($"queue: {waiting} shards waiting, {status.ShardsLeased} running, {status.ShardsDone}/{status.ShardsTotal} done; {status.ShardsRetried} retried, {status.DuplicateLeases} duplicated; {status.ImagesFailed:N0} failed images"
            + (status.Error is null ? "" : $"; {status.Error}")));
        return table;
    }
}
