using System.Globalization;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Storage;
using Spectre.Console;

namespace SENet.Client.Cluster;

/// <summary>
/// Follows a job until it ends. On a terminal: a live view (<see cref="LiveJobView"/>) with each failed image and
/// stopped worker printed above it as it arrives. Otherwise (a log, CI): plain lines on standard error
/// (<see cref="ProgressReporter"/>), the same facts without colour or cursor movement.
/// </summary>
public static class JobWatcher
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public static Task<JobStatus> WatchAsync(CliConsole console, IGrainFactory grains, string jobId, CancellationToken cancellationToken) =>
        WatchAsync(console.Out, console.Error, grains, jobId, cancellationToken);

    /// <summary>Live on <paramref name="output"/> when it is interactive, else plain lines on <paramref name="error"/>.</summary>
    public static async Task<JobStatus> WatchAsync(IAnsiConsole output, TextWriter error, IGrainFactory grains, string jobId, CancellationToken cancellationToken)
    {
        var job = grains.GetGrain<IEvaluationJobGrain>(jobId);
        var events = new EventCursor(job);
        if (!output.Profile.Capabilities.Interactive)
        {
            var reporter = new ProgressReporter(error);
            while (true)
            {
                var status = await job.GetStatusAsync();
                if (status.State == JobState.NotStarted)
                {
                    return status;
                }

                // Events first: a failure merged before this status is printed before the figures that count it.
                await events.DrainAsync(reporter.Report, reporter.ReportMissed);
                reporter.Report(status);
                if (status.IsFinished)
                {
                    return status;
                }

                await Task.Delay(Poll, cancellationToken);
            }
        }

        var last = await job.GetStatusAsync();
        if (last.State == JobState.NotStarted)
        {
            return last;
        }

        await output.Live(LiveJobView.Render(last)).StartAsync(async context =>
        {
            while (true)
            {
                // Written above the live view, which Spectre redraws below them.
                await events.DrainAsync(e => output.MarkupLine(LiveJobView.EventMarkup(e)), missed => output.MarkupLine($"[red]{Markup.Escape(ProgressReporter.MissedLine(missed))}[/]"));
                context.UpdateTarget(LiveJobView.Render(last));
                if (last.IsFinished)
                {
                    return;
                }

                await Task.Delay(Poll, cancellationToken);
                last = await job.GetStatusAsync();
            }
        });
        return last;
    }

    /// <summary>
    /// The end of a watch: the headline (a cancelled or failed job's reads "partial: 320 of 450 images"), the error
    /// figures, why it ended early, and where its outputs are.
    /// </summary>
    public static async Task SummarizeAsync(CliConsole console, IGrainFactory grains, JobStatus status)
    {
        var job = grains.GetGrain<IEvaluationJobGrain>(status.JobId);
        if (await job.GetResultsAsync() is not { } results)
        {
            await console.Error.WriteLineAsync($"error: job {status.JobId} {status.State.ToString().ToLowerInvariant()} before any image was evaluated: {status.Error ?? "no reason was recorded"}");
            return;
        }

        if (results.Evaluations.Count > 0)
        {
            var first = ReportWriter.FromJson(results.ReportJson);
            console.Out.MarkupLine($"[bold]{Markup.Escape(status.JobId)} {Markup.Escape(first.StateSummary())}[/]: {results.Evaluations.Count} evaluations in one pass; "
                + $"{first.DurationSeconds.ToString("F1", CultureInfo.InvariantCulture)} s at {first.ImagesPerSecond.ToString("F1", CultureInfo.InvariantCulture)} images/s");
            Commands.ManyModelEvaluation.PrintOrExplain(console, status.JobId, results, status.Error);
            console.Out.MarkupLine($"outputs: [bold]{Markup.Escape(StorageLocation.Redact(results.OutputFolder))}[/] ({Markup.Escape(Commands.ManyModelEvaluation.Describe(results))}); 'senet results {Markup.Escape(status.JobId)} --out DIR' fetches them");
            return;
        }

        var report = ReportWriter.FromJson(results.ReportJson);
        var invariant = CultureInfo.InvariantCulture;
        var figures = report.Images > 0
            ? $"; top-1 error {report.Top1Error.ToString("F3", invariant)} %, top-5 error {report.Top5Error.ToString("F3", invariant)} %"
            : "; no image was scored";
        console.Out.MarkupLine($"[bold]{Markup.Escape(status.JobId)} {Markup.Escape(report.StateSummary())}[/]: {report.Images.ToString("N0", invariant)} scored, "
            + $"{report.Failed.ToString("N0", invariant)} failed{Markup.Escape(figures)}; {report.DurationSeconds.ToString("F1", invariant)} s at {report.ImagesPerSecond.ToString("F1", invariant)} images/s");
        if (status.Error is { } reason)
        {
            console.Out.MarkupLine($"[yellow]reason:[/] {Markup.Escape(reason)}");
        }

        // The location as the submitter wrote it may carry a SAS: shown without its query.
        console.Out.MarkupLine($"outputs: [bold]{Markup.Escape(StorageLocation.Redact(results.OutputFolder))}[/] (report.json, results.csv, report.html, predictions/); 'senet results {Markup.Escape(status.JobId)}' prints the whole report");
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
