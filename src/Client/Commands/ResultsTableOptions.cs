using System.CommandLine;
using System.Text.Json.Nodes;
using SENet.Client.Cluster;
using SENet.Evaluation.Metrics;
using Spectre.Console;

namespace SENet.Client.Commands;

/// <summary>
/// <c>senet results --table JOB… | --all</c>: one row per job (job ids of the cluster or output folders), in timm's
/// results columns plus intervals, calibration, the model's SHA-256, images and failures, best top-1 first; written as CSV
/// and Markdown.
/// </summary>
public sealed class ResultsTableOptions
{
    public Option<bool> Table { get; } = new("--table") { Description = "One row per job (job ids or output folders), sorted by top-1, with rank and difference to the best." };

    public Option<bool> All { get; } = new("--all") { Description = "With --table: every job the cluster lists." };

    public Option<FileInfo?> Csv { get; } = new("--csv") { Description = "With --table: write the table as CSV here." };

    public Option<FileInfo?> Markdown { get; } = new("--markdown") { Description = "With --table: write the table as Markdown here." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Table, All, Csv, Markdown })
        {
            command.Options.Add(option);
        }
    }

    public bool Wanted(ParseResult parse) => parse.GetValue(Table) || parse.GetValue(All);

    public async Task<int> RunAsync(CliConsole console, ClusterOptions cluster, ParseResult parse, IReadOnlyList<string> references, CancellationToken cancellationToken)
    {
        await using var outputs = new JobOutputs(cluster, parse, cancellationToken);
        var jobs = parse.GetValue(All) ? [.. references, .. await outputs.AllJobsAsync()] : references.ToList();
        if (jobs.Count == 0)
        {
            throw new ArgumentException("--table needs jobs: name job ids or output folders ('senet results --table JOB1 JOB2'), or pass --all for every job of the cluster.");
        }

        var reports = new List<(string, JsonObject)>();
        foreach (var job in jobs.Distinct(StringComparer.Ordinal))
        {
            byte[] bytes;
            Evaluation.Storage.IOutputStore store;
            try
            {
                store = await outputs.OpenAsync(job);
            }
            catch (ArgumentException e)
            {
                // A running job, or one cancelled before any image, has no row yet: the others still make a table.
                await console.Error.WriteLineAsync($"warning: {e.Message} Left out of the table.");
                continue;
            }

            try
            {
                // A job of several models or views: a row per model × view, each from its own folder.
                var folders = await EvaluationFoldersAsync(store, cancellationToken);
                foreach (var folder in folders)
                {
                    var name = folder.Length == 0 ? "report.json" : $"{folder}/report.json";
                    bytes = await store.ReadAsync(name, cancellationToken);
                    reports.Add((folder.Length == 0 ? job : $"{job} {folder}", JsonNode.Parse(bytes) as JsonObject ?? throw new InvalidDataException($"{store.Display}: {name} is not a JSON object.")));
                }
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                await console.Error.WriteLineAsync($"warning: {job}: no report.json under {store.Display} (a job that never ran an image); left out of the table.");
            }
        }

        var rows = ResultsTable.Rows(reports);
        var table = new Table().Border(TableBorder.Simple).AddColumns("rank", "job", "model", "top1", "Δ best", "top1 interval", "top5", "ece", "images", "failed", "model sha256");
        foreach (var row in rows)
        {
            string V(string column) => Markup.Escape(row[column] ?? "not recorded");
            table.AddRow(V("rank"), V("job"), V("model"), V("top1"), V("top1_diff"),
                row["top1_low"] is null ? "not recorded" : Markup.Escape($"[{row["top1_low"]}, {row["top1_high"]}]"), V("top5"), V("ece"), V("images"), V("failed"),
                Markup.Escape(row["model_sha256"] is { } sha ? sha[..Math.Min(12, sha.Length)] : "not recorded"));
        }

        console.Out.Write(table);
        if (parse.GetValue(Csv) is { } csv)
        {
            csv.Directory?.Create();
            await File.WriteAllTextAsync(csv.FullName, ResultsTable.ToCsv(rows), cancellationToken);
            console.Out.MarkupLine($"csv: [bold]{Markup.Escape(csv.FullName)}[/]");
        }

        if (parse.GetValue(Markdown) is { } markdown)
        {
            markdown.Directory?.Create();
            await File.WriteAllTextAsync(markdown.FullName, ResultsTable.ToMarkdown(rows), cancellationToken);
            console.Out.MarkupLine($"markdown: [bold]{Markup.Escape(markdown.FullName)}[/]");
        }

        return 0;
    }

    /// <summary>
    /// The folders of a job's reports: "" for a job of one evaluation (report.json at its root); for a job of several
    /// (results.csv ending in a view column, no report.json at the root), each model × view's, as the job named them.
    /// </summary>
    private static async Task<IReadOnlyList<string>> EvaluationFoldersAsync(Evaluation.Storage.IOutputStore store, CancellationToken cancellationToken)
    {
        try
        {
            _ = await store.ReadAsync("report.json", cancellationToken);
            return [""];
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            var lines = System.Text.Encoding.UTF8.GetString(await store.ReadAsync("results.csv", cancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length < 2 || !lines[0].EndsWith(",view", StringComparison.Ordinal))
            {
                throw;
            }

            // Model names are single path segments and views have no comma: the first and last fields name the folder.
            var evaluations = lines.Skip(1).Select(l => (Model: l[..l.IndexOf(',')], View: l[(l.LastIndexOf(',') + 1)..])).ToList();
            var several = evaluations.Select(e => e.View).Distinct(StringComparer.Ordinal).Count() > 1;
            return [.. evaluations.Select(e => several ? $"{e.Model}/{e.View.Replace('/', '+')}" : e.Model)];
        }
    }
}
