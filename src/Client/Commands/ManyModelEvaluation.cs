using System.Globalization;
using SENet.Client.Cluster;
using SENet.Client.Suites;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Storage;
using Spectre.Console;

namespace SENet.Client.Commands;

/// <summary>
/// A job of several models or views (one pass over the images on the cluster or the embedded silo, every model × view
/// counted and reported on its own) as the CLI shows and fetches it. Its outputs: <c>OUT/&lt;model&gt;/</c> per model
/// with one view, <c>OUT/&lt;model&gt;/&lt;view&gt;/</c> with several, each holding report.json, results.csv,
/// report.html and predictions; and <c>OUT/results.csv</c> with a row per model × view.
/// </summary>
public static class ManyModelEvaluation
{
    /// <summary>The configured GPU memory limit, as a silo reads it (<c>SENet:Devices:Cuda:MemoryLimitMb</c>); the embedded silo takes it from this variable.</summary>
    public const string MemoryLimitVariable = "SENet__Devices__Cuda__MemoryLimitMb";

    /// <summary><see cref="MemoryLimitVariable"/>, 0 (no limit) when unset; a value that is not a whole number of MiB is refused naming it.</summary>
    public static long MemoryLimitMb()
    {
        var text = Environment.GetEnvironmentVariable(MemoryLimitVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            ? limit
            : throw new ArgumentException($"{MemoryLimitVariable}={text} cannot work: use 0 (no limit) or a whole number of MiB.");
    }

    /// <summary>Each model × view's report, in the job's order.</summary>
    public static IReadOnlyList<(EvaluationResults Evaluation, EvaluationReport Report)> Reports(JobResults results) =>
        [.. results.Evaluations.Select(e => (e, ReportWriter.FromJson(e.ReportJson)))];

    /// <summary>What the outputs of a job of several evaluations are, for the line that says where they went.</summary>
    public static string Describe(JobResults results) =>
        $"results.csv, a row per model × view; under each {(results.Evaluations.Select(e => e.View).Distinct().Count() > 1 ? "<model>/<view>/" : "<model>/")}: report.json, results.csv, report.html, predictions/";

    /// <summary>
    /// The table, then the job's error if it has one; a job that ended before any image was evaluated prints only why
    /// (its "0.000 %" would read as perfect models).
    /// </summary>
    public static void PrintOrExplain(CliConsole console, string jobId, JobResults results, string? error) =>
        ReportPrinter.PrintOrExplain(console, jobId, ReportWriter.FromJson(results.ReportJson), error, () => Print(console, results));

    /// <summary>The table of every model × view: top-1 and top-5 accuracy, images scored and failed, and a partial job's coverage.</summary>
    public static void Print(CliConsole console, JobResults results)
    {
        var reports = Reports(results);
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{reports.Count} evaluations, one pass[/]")
            .AddColumns("model", "view", "top-1 %", "top-5 %", "images", "failed");
        var invariant = CultureInfo.InvariantCulture;
        foreach (var (evaluation, report) in reports)
        {
            var scored = report.Images > 0;
            table.AddRow(Markup.Escape(evaluation.Model), Markup.Escape(evaluation.View), scored ? report.Top1.ToString("F3", invariant) : "-",
                scored ? report.Top5.ToString("F3", invariant) : "-", report.Images.ToString(invariant), report.Failed.ToString(invariant));
        }

        var state = reports[0].Report.StateSummary();
        if (state != "completed")
        {
            table.Caption(Markup.Escape(state));
        }

        console.Out.Write(table);
        foreach (var note in reports.SelectMany(r => r.Report.Notes).Distinct(StringComparer.Ordinal))
        {
            console.Out.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
        }
    }

    /// <summary>
    /// Fetches a job of several evaluations into <paramref name="folder"/> as it lies in its output folder: results.csv
    /// (a row per model × view), and under each evaluation's folder its report.json, results.csv, report.html and
    /// predictions.csv (its shards' parts joined). Returns the images and parts joined, all evaluations together.
    /// </summary>
    public static async Task<(int Rows, int Parts)> FetchAsync(JobResults results, int shards, string folder, string jobId, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "results.csv"), results.ResultsCsv, cancellationToken);
        // The cluster never tells a client a location's SAS: a blob output is read with this client's own credentials.
        var location = StorageLocation.LooksLikeBlob(results.OutputFolder) ? results.OutputFolder.Split('?')[0] : results.OutputFolder;
        var (rows, parts) = (0, 0);
        foreach (var (evaluation, report) in Reports(results))
        {
            var destination = Path.Combine(folder, evaluation.Folder);
            Directory.CreateDirectory(destination);
            await File.WriteAllTextAsync(Path.Combine(destination, "report.json"), evaluation.ReportJson, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(destination, "results.csv"), evaluation.ResultsCsv, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(destination, "report.html"), HtmlReportWriter.Write(report, Title(jobId, evaluation)), cancellationToken);
            var joined = await PredictionsJoiner.JoinAsync(OutputStores.Open(SuitePlan.Child(location, evaluation.Folder), CliStorage.FromEnvironment()), shards, cancellationToken);
            await File.WriteAllBytesAsync(Path.Combine(destination, "predictions.csv"), joined.Csv, cancellationToken);
            rows += joined.Rows;
            parts += joined.Parts;
        }

        return (rows, parts);
    }

    /// <summary>The HTML report's title for one model × view of a job.</summary>
    public static string Title(string jobId, EvaluationResults evaluation) => $"SENet Eval: {jobId}, {evaluation.Model}, view {evaluation.View}";
}
