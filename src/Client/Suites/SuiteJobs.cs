using System.Text;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Storage;
using Spectre.Console;

namespace SENet.Client.Suites;

/// <summary>
/// A suite's jobs on a cluster (the embedded silo or a real one): started together, in the suite's order, each
/// validated by its coordinator before the next, followed together, and gathered into one table. A suite is found again
/// by its id: its jobs are SUITE.DATASET in the cluster's job list.
/// </summary>
public static class SuiteJobs
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Starts every dataset's job. A job its coordinator refuses (a model whose classes do not fit the dataset, a subset
    /// naming no class, …) names its entry; the jobs started before it are cancelled, so that a suite runs whole or not at all.
    /// </summary>
    public static async Task<IReadOnlyList<SuiteMember>> StartAsync(CliConsole console, IGrainFactory grains, SuitePlan plan, CancellationToken cancellationToken)
    {
        var started = new List<SuiteMember>();
        foreach (var job in plan.Jobs)
        {
            var grain = grains.GetGrain<IEvaluationJobGrain>(job.JobId);
            // The same suite id again: its coordinators answer with the jobs they have (another spec or --out is refused).
            var existing = await grain.GetStatusAsync();
            JobStatus status;
            try
            {
                await using (cancellationToken.Register(() => _ = grain.CancelAsync()))
                {
                    status = await grain.StartAsync(job.Spec);
                }
            }
            catch (Exception e) when (e is JobRejectedException or ArgumentException)
            {
                await CancelAsync(grains, started);
                var cancelled = started.Count == 0 ? "" : $" The {started.Count} dataset(s) started before it ({string.Join(", ", started.Select(s => s.Dataset))}) were cancelled; once it is fixed, run the suite again with --overwrite.";
                throw new InvalidOperationException($"{job.Entry.Where(plan.Suite.Display)} was refused: {CliConsole.Describe(e)}{cancelled}", e);
            }

            started.Add(new SuiteMember(job.Entry.Name, job.JobId));
            await console.Error.WriteLineAsync(existing.State == JobState.NotStarted
                ? $"{job.Entry.Name}: job {job.JobId}, {Commands.JobCommands.Planned(status)}"
                : $"{job.Entry.Name}: job {job.JobId} already exists: {status.State.ToString().ToLowerInvariant()}, {status.ImagesDone}/{status.ImagesTotal} images; nothing new was submitted for it");
            if (cancellationToken.IsCancellationRequested)
            {
                await CancelAsync(grains, started);
                throw new OperationCanceledException("The suite was cancelled while its jobs started.");
            }
        }

        return started;
    }

    public static async Task CancelAsync(IGrainFactory grains, IEnumerable<SuiteMember> members)
    {
        foreach (var member in members)
        {
            await grains.GetGrain<IEvaluationJobGrain>(member.JobId).CancelAsync();
        }
    }

    /// <summary>The suite's jobs in the cluster's job list (submission order, which is the suite's); empty when <paramref name="suiteId"/> is no suite.</summary>
    public static async Task<IReadOnlyList<SuiteMember>> FindAsync(IGrainFactory grains, string suiteId)
    {
        var prefix = SuitePlan.MemberJobId(suiteId, "");
        return (await grains.GetGrain<IJobRegistryGrain>(0).ListAsync())
            .Where(j => j.JobId.StartsWith(prefix, StringComparison.Ordinal) && j.JobId.Length > prefix.Length)
            .Select(j => new SuiteMember(j.JobId[prefix.Length..], j.JobId))
            .ToList();
    }

    public static async Task<IReadOnlyList<(SuiteMember Member, JobStatus Status)>> StatusAsync(IGrainFactory grains, IReadOnlyList<SuiteMember> members)
    {
        var statuses = new List<(SuiteMember, JobStatus)>();
        foreach (var member in members)
        {
            statuses.Add((member, await grains.GetGrain<IEvaluationJobGrain>(member.JobId).GetStatusAsync()));
        }

        return statuses;
    }

    /// <summary>Follows every job until all have ended: a live table on a terminal, progress lines on standard error otherwise.</summary>
    public static async Task<IReadOnlyList<(SuiteMember Member, JobStatus Status)>> WatchAsync(CliConsole console, IGrainFactory grains, IReadOnlyList<SuiteMember> members, string suiteId, CancellationToken cancellationToken)
    {
        var last = await StatusAsync(grains, members);
        static bool Ended(IReadOnlyList<(SuiteMember, JobStatus Status)> all) => all.All(s => s.Status.IsFinished || s.Status.State == JobState.NotStarted);
        if (!console.Out.Profile.Capabilities.Interactive)
        {
            var lastLine = "";
            var lastTime = DateTime.MinValue;
            while (true)
            {
                var line = "progress: " + string.Join("; ", last.Select(s => $"{s.Member.Dataset} {s.Status.ImagesDone}/{s.Status.ImagesTotal} images{(s.Status.ImagesFailed > 0 ? $" ({s.Status.ImagesFailed} failed)" : "")}{(s.Status.IsFinished ? $" {State(s.Status)}" : "")}"));
                if (line != lastLine && (DateTime.UtcNow - lastTime >= TimeSpan.FromSeconds(2) || Ended(last)))
                {
                    await console.Error.WriteLineAsync(line);
                    (lastLine, lastTime) = (line, DateTime.UtcNow);
                }

                if (Ended(last))
                {
                    return last;
                }

                await Task.Delay(Poll, cancellationToken);
                last = await StatusAsync(grains, members);
            }
        }

        await console.Out.Live(Render(suiteId, last)).StartAsync(async context =>
        {
            while (!Ended(last))
            {
                await Task.Delay(Poll, cancellationToken);
                last = await StatusAsync(grains, members);
                context.UpdateTarget(Render(suiteId, last));
            }
        });
        return last;
    }

    /// <summary>One row per dataset: its job, state, images, failures, throughput and ETA.</summary>
    public static Table Render(string suiteId, IReadOnlyList<(SuiteMember Member, JobStatus Status)> statuses)
    {
        var done = statuses.Count(s => s.Status.IsFinished);
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"suite {suiteId}: {done}/{statuses.Count} datasets ended"))
            .AddColumns("dataset", "job", "state", "images", "failed", "images/s", "ETA");
        foreach (var (member, status) in statuses)
        {
            table.AddRow(Markup.Escape(member.Dataset), Markup.Escape(member.JobId), Markup.Escape(State(status)), $"{status.ImagesDone:N0}/{status.ImagesTotal:N0}",
                $"{status.ImagesFailed:N0}", $"{status.ImagesPerSecond:F1}", ProgressReporter.Format(status.Eta));
        }

        var errors = statuses.Where(s => s.Status.Error is not null).Select(s => $"{s.Member.Dataset}: {s.Status.Error}").ToList();
        if (errors.Count > 0)
        {
            table.Caption(Markup.Escape(string.Join("; ", errors)));
        }

        return table;
    }

    /// <summary>Every dataset's report (a job with none, refused or ended before any image, leaves its cells empty) as one table.</summary>
    public static async Task<(SuiteTable Table, IReadOnlyList<(SuiteMember Member, JobResults? Results)> Results)> GatherAsync(IGrainFactory grains, string name, IReadOnlyList<SuiteMember> members)
    {
        var table = new SuiteTable(name, members.Select(m => m.Dataset));
        var results = new List<(SuiteMember, JobResults?)>();
        foreach (var member in members)
        {
            var result = await grains.GetGrain<IEvaluationJobGrain>(member.JobId).GetResultsAsync();
            results.Add((member, result));
            if (result is null)
            {
                continue;
            }

            if (result.Evaluations.Count == 0)
            {
                table.Add(member.Dataset, ReportWriter.FromJson(result.ReportJson));
                continue;
            }

            // A job of several models (and views): a row per model, or per model × view when it scored several views.
            var views = result.Evaluations.Select(e => e.View).Distinct(StringComparer.Ordinal).Count();
            foreach (var evaluation in result.Evaluations)
            {
                table.Add(member.Dataset, ReportWriter.FromJson(evaluation.ReportJson), evaluation.Model, views > 1 ? evaluation.View : null);
            }
        }

        return (table, results);
    }

    /// <summary>The table on the console: models (× views) as rows, datasets as columns, each dataset's conventions under it.</summary>
    public static void Print(CliConsole console, SuiteTable table)
    {
        // The title on its own line: a table narrower than it would wrap it.
        console.Out.MarkupLine($"[bold]suite {Markup.Escape(table.Name)}[/]: top-1 / top-5 accuracy (%)");
        var grid = new Table().Border(TableBorder.Rounded).AddColumn("model");
        if (table.HasViews)
        {
            grid.AddColumn("view");
        }

        foreach (var dataset in table.Datasets)
        {
            grid.AddColumn(Markup.Escape(dataset));
        }

        foreach (var row in table.Rows)
        {
            grid.AddRow([Markup.Escape(row.Model), .. table.HasViews ? [Markup.Escape(row.View ?? "")] : Array.Empty<string>(),
                .. table.Datasets.Select(d => Markup.Escape(SuiteTable.Cell(table[row, d])))]);
        }

        console.Out.Write(grid);
        // One line per dataset under the table: a caption would wrap them into the table's width.
        foreach (var (dataset, conventions) in table.Conventions())
        {
            console.Out.MarkupLine(Markup.Escape($"  {dataset}: {conventions}"));
        }
    }

    /// <summary>
    /// Writes suite.csv, suite.md and suite-results.csv (every dataset's results.csv rows, a dataset column first) under
    /// <paramref name="output"/>; returns the names written.
    /// </summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(IOutputStore output, SuiteTable table, IReadOnlyList<(SuiteMember Member, JobResults? Results)> results, CancellationToken cancellationToken)
    {
        await output.WriteAsync("suite.csv", Encoding.UTF8.GetBytes(table.ToCsv()), cancellationToken);
        await output.WriteAsync("suite.md", Encoding.UTF8.GetBytes($"# suite {table.Name}\n\n{table.ToMarkdown()}"), cancellationToken);
        await output.WriteAsync("suite-results.csv", Encoding.UTF8.GetBytes(CombinedResults(results)), cancellationToken);
        return ["suite.csv", "suite.md", "suite-results.csv"];
    }

    /// <summary>
    /// Every dataset's results.csv rows under one header, with the dataset first; when some job scored several models or
    /// views, a row per model × view with its view last (as each job's own results.csv), a one-evaluation job's view
    /// taken from its report.
    /// </summary>
    public static string CombinedResults(IEnumerable<(SuiteMember Member, JobResults? Results)> results)
    {
        var scored = results.Where(r => r.Results is not null).Select(r => (r.Member, Results: r.Results!)).ToList();
        var withViews = scored.Any(r => r.Results.Evaluations.Count > 0);
        var combined = new StringBuilder($"dataset,{ReportWriter.ResultsCsvHeader}{(withViews ? ",view" : "")}\n");
        foreach (var (member, result) in scored)
        {
            IEnumerable<(string Csv, string? View)> evaluations = result.Evaluations.Count > 0
                ? result.Evaluations.Select(e => (e.ResultsCsv, (string?)e.View))
                : [(result.ResultsCsv, withViews ? ReportWriter.FromJson(result.ReportJson).View : null)];
            foreach (var (csv, view) in evaluations)
            {
                foreach (var row in csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
                {
                    combined.Append(Csv.Escape(member.Dataset)).Append(',').Append(row).Append(view is null ? "" : $",{Csv.Escape(view)}").Append('\n');
                }
            }
        }

        return combined.ToString();
    }

    private static string State(JobStatus status) => status.State.ToString().ToLowerInvariant();
}
