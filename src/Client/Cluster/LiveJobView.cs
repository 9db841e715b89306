using System.Globalization;
using SENet.Contracts.Jobs;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SENet.Client.Cluster;

/// <summary>
/// What <c>senet watch</c> redraws on a terminal: the job's line, a bar of scored, failed and remaining images, the
/// rate and ETA, and one row per device (silo, device, images/s, shards held).
/// </summary>
public static class LiveJobView
{
    public const int BarWidth = 60;

    public static IRenderable Render(JobStatus status)
    {
        var state = status.State.ToString().ToLowerInvariant();
        var rows = new List<IRenderable>
        {
            new Markup($"[bold]{Markup.Escape(status.Name ?? status.JobId)}[/] {Markup.Escape(state)}: "
                + $"{status.ImagesDone.ToString("N0", CultureInfo.InvariantCulture)} of {status.ImagesTotal.ToString("N0", CultureInfo.InvariantCulture)} images"
                + (status.ImagesFailed > 0 ? $" ([red]{status.ImagesFailed.ToString("N0", CultureInfo.InvariantCulture)} failed[/])" : "")),
        };
        if (status.ImagesTotal > 0)
        {
            var scored = status.ImagesScored;
            var failed = status.ImagesFailed;
            rows.Add(new BreakdownChart().Width(BarWidth).ShowTagValues()
                .AddItem("scored", scored, Color.Green)
                .AddItem("failed", failed, Color.Red)
                .AddItem("in flight or waiting", Math.Max(0, status.ImagesTotal - status.ImagesDone), Color.Grey));
        }

        rows.Add(new Markup($"{ProgressReporter.Percent(status)} %   [bold]{status.ImagesPerSecond.ToString("F1", CultureInfo.InvariantCulture)}[/] images/s   "
            + $"ETA [bold]{ProgressReporter.Format(status.Eta)}[/]   elapsed {ProgressReporter.Format(status.Elapsed)}"));
        var devices = new Table().Border(TableBorder.Rounded).AddColumns("silo", "device", "images", "images/s", "shards held", "shards done");
        foreach (var worker in status.Workers)
        {
            devices.AddRow(Markup.Escape(worker.Silo), Markup.Escape(worker.Device), worker.ImagesDone.ToString("N0", CultureInfo.InvariantCulture),
                worker.ImagesPerSecond.ToString("F1", CultureInfo.InvariantCulture), worker.ShardsHeld.ToString(CultureInfo.InvariantCulture),
                worker.ShardsCompleted.ToString(CultureInfo.InvariantCulture));
        }

        rows.Add(devices);
        var waiting = Math.Max(0, status.ShardsTotal - status.ShardsDone - status.ShardsLeased);
        rows.Add(new Markup($"[grey]shards: {waiting} waiting, {status.ShardsLeased} running, {status.ShardsDone}/{status.ShardsTotal} done"
            + (status.ShardsRetried > 0 ? $", {status.ShardsRetried} retried" : "") + "[/]"));
        return new Rows(rows);
    }

    public static string EventMarkup(JobEvent jobEvent) => jobEvent.Kind switch
    {
        JobEventKind.ImageFailed => $"[red]failed:[/] {Markup.Escape(jobEvent.Subject)}: {Markup.Escape(jobEvent.Reason)}",
        _ => $"[yellow]worker stopped:[/] {Markup.Escape(jobEvent.Subject)}: {Markup.Escape(jobEvent.Reason)}",
    };
}
