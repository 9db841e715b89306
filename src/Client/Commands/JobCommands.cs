using System.CommandLine;
using SENet.Client.Cluster;
using SENet.Client.Suites;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Storage;
using Spectre.Console;

namespace SENet.Client.Commands;

/// <summary>The verbs over a running cluster: submit, status, watch, results, cancel, jobs.</summary>
public static class JobCommands
{
    public static IEnumerable<Command> Create(CliConsole console)
    {
        yield return Submit(console);
        yield return Status(console);
        yield return Watch(console);
        yield return Results(console);
        yield return Cancel(console);
        yield return Jobs(console);
        yield return Silos(console);
    }

    private static Command Silos(CliConsole console)
    {
        var cluster = new ClusterOptions();
        var command = new Command("silos", "List the cluster's active silos.");
        cluster.AddTo(command);
        command.SetAction((parse, cancellationToken) => console.RunAsync(async () =>
        {
            await using var connection = await cluster.ConnectAsync(parse, cancellationToken);
            var hosts = await connection.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            foreach (var silo in hosts.Keys.Select(s => s.ToParsableString()).Order(StringComparer.Ordinal))
            {
                console.Out.WriteLine(silo);
            }

            return 0;
        }));
        return command;
    }

    private static Command Submit(CliConsole console)
    {
        var cluster = new ClusterOptions();
        var data = new Option<string?>("--data") { Description = "Dataset folder as every silo sees it. Or --suite." };
        var suite = EvaluateCommand.SuiteOption();
        var model = new Option<string[]>("--model") { Description = "ONNX classifier as every silo sees it. Repeatable: several models share one pass (each image read and decoded once), each reported under OUT/<model-name>/." };
        var modelsFile = new Option<string?>("--models") { Description = "A models file read here: one model a line, PATH or NAME=PATH ('#' starts a comment; a relative PATH is the file's folder's); joins any --model." };
        var jobId = new Option<string?>("--job-id") { Description = "Job id (default: generated; with --suite the suite's id, its jobs being ID.DATASET). An existing job's id answers with that job's state and submits nothing." };
        // The same option name as evaluate's; a cluster's devices are its silos' (SENet:Devices), so only the policy is chosen here.
        var device = new Option<string>("--device") { Description = "auto: each worker runs on its own device (the silos' GPUs or CPUs); cpu: the CPU everywhere.", DefaultValueFactory = _ => "auto" };
        EvaluationOptions.OneOf(device, [.. JobSpecRules.DevicePolicies.Names]);
        var devicePolicy = new Option<string?>("--device-policy") { Description = "The former name of --device.", Hidden = true };
        EvaluationOptions.OneOf(devicePolicy, [.. JobSpecRules.DevicePolicies.Names]);
        var options = new EvaluationOptions();
        var command = new Command("submit", "Submit a job (or with --suite one job per dataset) to the cluster; prints its id.") { data, suite, model, modelsFile, jobId, device, devicePolicy };
        options.AddTo(command);
        cluster.AddTo(command);
        IReadOnlyList<JobModel> Models(ParseResult parse) => ModelList.ToJobModels(ModelList.From(parse.GetValue(model) ?? [], parse.GetValue(modelsFile)));
        command.SetAction((parse, cancellationToken) => console.RunAsync(async () =>
        {
            // Everything the client can check is checked before it connects.
            var policy = JobSpecRules.DevicePolicies.Parse(parse.GetValue(devicePolicy) ?? parse.GetValue(device)!);
            if (parse.GetValue(suite) is { } suiteFile)
            {
                // Paths are as the silos see them: each dataset's coordinator checks its own, before the next starts.
                var plan = SuitePlan.Create(parse, SuiteFile.Load(suiteFile), parse.GetValue(jobId) ?? SuitePlan.NewSuiteId(), parse.GetValue(options.Output) is { } root ? EvaluationOptions.Location(root) : null,
                    entry => options.ToJobSpec(entry, Models(entry), entry.GetValue(data)!, policy), [data, .. options.PerDataset], checkLocalFiles: false);
                await using var suiteConnection = await cluster.ConnectAsync(parse, cancellationToken);
                var members = await SuiteJobs.StartAsync(console, suiteConnection.Grains, plan, cancellationToken);
                console.Out.WriteLine(plan.SuiteId);
                await console.Error.WriteLineAsync($"submitted: suite {plan.SuiteId}, {members.Count} datasets; 'senet watch {plan.SuiteId}' follows them, 'senet results {plan.SuiteId}' gives the table.");
                return 0;
            }

            var spec = options.ToJobSpec(parse, Models(parse), parse.GetValue(data) ?? throw new ArgumentException("submit needs --data (the dataset as every silo sees it) or --suite (a file listing several datasets)."), policy);
            JobSpecRules.Validate(spec);
            await using var connection = await cluster.ConnectAsync(parse, cancellationToken);
            var id = parse.GetValue(jobId) ?? JobIds.New();
            var job = connection.Grains.GetGrain<IEvaluationJobGrain>(id);
            var existing = parse.GetValue(jobId) is null ? null : await job.GetStatusAsync();
            var status = await job.StartAsync(spec);
            console.Out.WriteLine(id);
            if (existing is { State: not JobState.NotStarted })
            {
                // The same spec again: the coordinator answers with the job it has (another spec or --out is refused).
                await console.Error.WriteLineAsync($"job {id} already exists: {status.State.ToString().ToLowerInvariant()}, {status.ImagesDone}/{status.ImagesTotal} images; nothing new was submitted. 'senet watch {id}' follows it.");
                return 0;
            }

            var evaluations = JobEvaluations.Of(spec);
            await console.Error.WriteLineAsync($"submitted: {Planned(status)}" + (evaluations.Count > 1
                ? $" for {evaluations.Count} evaluations in one pass ({string.Join(", ", evaluations.Select(e => e.Folder))}); 'senet results {id}' gives each"
                : ""));
            return 0;
        }));
        return command;
    }

    private static Command Status(CliConsole console) => JobVerb(console, "status", "Show a job's (or a suite's) state, progress and workers.", async (_, grains, id, _) =>
    {
        var status = await grains.GetGrain<IEvaluationJobGrain>(id).GetStatusAsync();
        if (await SuiteOfAsync(grains, status) is { } suite)
        {
            var statuses = await SuiteJobs.StatusAsync(grains, suite);
            console.Out.Write(SuiteJobs.Render(id, statuses));
            return 0;
        }

        RequireJob(status);
        console.Out.Write(JobWatcher.Render(status));
        return 0;
    });

    /// <summary>A job just submitted: planned whole, or still listing in the background (the totals so far, then).</summary>
    public static string Planned(JobStatus status) => status.State == JobState.Planning
        ? $"planning in the background, {status.ImagesTotal} images in {status.ShardsTotal} shards listed so far"
        : $"{status.ImagesTotal} images in {status.ShardsTotal} shards";

    private static Command Watch(CliConsole console) => JobVerb(console, "watch",
        "Follow a job (or a suite's jobs) live: a progress bar with images/s and ETA, one row per device (silo, device, images/s, shards held), each failed image as it arrives, then the summary and where the outputs are. Plain lines on standard error when the output is not a terminal. Exits with the job's outcome (0: completed).",
        async (_, grains, id, token) =>
    {
        if (await SuiteOfAsync(grains, await grains.GetGrain<IEvaluationJobGrain>(id).GetStatusAsync()) is { } suite)
        {
            var statuses = await SuiteJobs.WatchAsync(console, grains, suite, id, token);
            console.Out.Write(SuiteJobs.Render(id, statuses));
            return statuses.All(s => s.Status.State == JobState.Completed) ? 0 : 1;
        }

        var status = await JobWatcher.WatchAsync(console, grains, id, token);
        RequireJob(status);
        await JobWatcher.SummarizeAsync(console, grains, status);
        return status.State == JobState.Completed ? 0 : 1;
    });

    private static Command Results(CliConsole console)
    {
        var output = new Option<DirectoryInfo?>("--out") { Description = "Also write report.json, results.csv, report.html and predictions.csv here." };
        var html = new Option<FileInfo?>("--html") { Description = "Also write the report as one self-contained HTML file (charts included)." };
        var table = new ResultsTableOptions();
        var command = JobVerb(console, "results", "Print a finished job's report; --out fetches report.json, results.csv, report.html and predictions.csv. --table JOB… | --all: one row per job.", async (parse, grains, id, token) =>
        {
            var job = grains.GetGrain<IEvaluationJobGrain>(id);
            if (await SuiteOfAsync(grains, await job.GetStatusAsync()) is { } suite)
            {
                return await SuiteResultsAsync(console, grains, id, suite, parse.GetValue(output), token);
            }

            var results = await job.GetResultsAsync();
            if (results is null)
            {
                var status = await job.GetStatusAsync();
                RequireJob(status);
                if (status.IsFinished)
                {
                    throw new InvalidOperationException($"Job {id} has no report: it was {status.State.ToString().ToLowerInvariant()} before any image was evaluated ({status.Error}).");
                }

                throw new InvalidOperationException($"Job {id} is still {status.State.ToString().ToLowerInvariant()}: {status.ImagesDone}/{status.ImagesTotal} images. Wait with 'senet watch {id}'.");
            }

            if (results.Evaluations.Count > 0)
            {
                return await ManyResultsAsync(console, job, id, results, parse.GetValue(output), parse.GetValue(html), token);
            }

            var report = ReportWriter.FromJson(results.ReportJson);
            ReportPrinter.PrintOrExplain(console, id, report, (await job.GetStatusAsync()).Error);
            // The location as the submitter wrote it may carry a SAS: shown without its query.
            console.Out.MarkupLine($"outputs: [bold]{Markup.Escape(StorageLocation.Redact(results.OutputFolder))}[/]");
            if (parse.GetValue(output) is { } folder)
            {
                folder.Create();
                await File.WriteAllTextAsync(Path.Combine(folder.FullName, "report.json"), results.ReportJson);
                await File.WriteAllTextAsync(Path.Combine(folder.FullName, "results.csv"), results.ResultsCsv);
                // Rendered here from the report, as the coordinator rendered the job's own copy.
                await File.WriteAllTextAsync(Path.Combine(folder.FullName, "report.html"), HtmlReportWriter.Write(report, $"SENet Eval: {id}"));
                var (rows, parts) = await FetchPredictionsAsync(results.OutputFolder, (await job.GetStatusAsync()).ShardsTotal, Path.Combine(folder.FullName, "predictions.csv"));
                console.Out.MarkupLine($"fetched: [bold]{Markup.Escape(folder.FullName)}[/] (report.json, results.csv, report.html, predictions.csv: {rows} images from {parts} shard parts)");
            }

            if (parse.GetValue(html) is { } file)
            {
                file.Directory?.Create();
                await File.WriteAllTextAsync(file.FullName, HtmlReportWriter.Write(report, $"SENet Eval: {id}"));
                console.Out.MarkupLine($"html report: [bold]{Markup.Escape(file.FullName)}[/]");
            }

            return 0;
        }, [output, html], table);
        return command;
    }

    /// <summary>
    /// A job of several models or views: the table of every model × view; with --out, the combined results.csv and each
    /// evaluation's report.json, results.csv, report.html and predictions.csv under its own folder, as the job wrote them.
    /// </summary>
    private static async Task<int> ManyResultsAsync(CliConsole console, IEvaluationJobGrain job, string id, JobResults results, DirectoryInfo? output, FileInfo? html, CancellationToken cancellationToken)
    {
        if (html is not null)
        {
            throw new ArgumentException($"--html writes one report, but job {id} has {results.Evaluations.Count} (one per model × view, each with its report.html): pass --out DIR to fetch them all.");
        }

        var status = await job.GetStatusAsync();
        ManyModelEvaluation.PrintOrExplain(console, id, results, status.Error);
        // The location as the submitter wrote it may carry a SAS: shown without its query.
        console.Out.MarkupLine($"outputs: [bold]{Markup.Escape(StorageLocation.Redact(results.OutputFolder))}[/] ({Markup.Escape(ManyModelEvaluation.Describe(results))})");
        if (output is not null)
        {
            var (rows, parts) = await ManyModelEvaluation.FetchAsync(results, status.ShardsTotal, output.FullName, id, cancellationToken);
            console.Out.MarkupLine($"fetched: [bold]{Markup.Escape(output.FullName)}[/] (results.csv; for each of {results.Evaluations.Count} evaluations: report.json, results.csv, report.html, predictions.csv: {rows} predictions from {parts} shard parts)");
        }

        return 0;
    }

    /// <summary>
    /// Joins the job's per-shard prediction parts (local or blob) into one CSV with one header, sorted by image. Shards a
    /// cancelled or failed job never finished have no part and are left out.
    /// </summary>
    private static async Task<(int Rows, int Parts)> FetchPredictionsAsync(string outputFolder, int shards, string destination)
    {
        // The cluster never tells a client a location's SAS: a blob output is read with this client's own credentials.
        var location = StorageLocation.LooksLikeBlob(outputFolder) ? outputFolder.Split('?')[0] : outputFolder;
        var outputs = OutputStores.Open(location, CliStorage.FromEnvironment());
        var joined = await PredictionsJoiner.JoinAsync(outputs, shards, CancellationToken.None);
        await File.WriteAllBytesAsync(destination, joined.Csv);
        return (joined.Rows, joined.Parts);
    }

    private static Command Cancel(CliConsole console) => JobVerb(console, "cancel", "Cancel a job (or every job of a suite); its report keeps what was done.", async (_, grains, id, _) =>
    {
        if (await SuiteOfAsync(grains, await grains.GetGrain<IEvaluationJobGrain>(id).GetStatusAsync()) is { } suite)
        {
            await SuiteJobs.CancelAsync(grains, suite);
            foreach (var (member, cancelled) in await SuiteJobs.StatusAsync(grains, suite))
            {
                console.Out.WriteLine($"{member.JobId}: {cancelled.State.ToString().ToLowerInvariant()} ({cancelled.ImagesDone}/{cancelled.ImagesTotal} images done)");
            }

            return 0;
        }

        var status = await grains.GetGrain<IEvaluationJobGrain>(id).CancelAsync();
        RequireJob(status);
        console.Out.WriteLine($"{id}: {status.State.ToString().ToLowerInvariant()} ({status.ImagesDone}/{status.ImagesTotal} images done)");
        return 0;
    });

    private static Command Jobs(CliConsole console)
    {
        var cluster = new ClusterOptions();
        var command = new Command("jobs", "List the cluster's jobs.");
        cluster.AddTo(command);
        command.SetAction((parse, cancellationToken) => console.RunAsync(async () =>
        {
            await using var connection = await cluster.ConnectAsync(parse, cancellationToken);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("job", "name", "state", "images", "submitted");
            foreach (var job in await connection.Grains.GetGrain<IJobRegistryGrain>(0).ListAsync())
            {
                var status = await connection.Grains.GetGrain<IEvaluationJobGrain>(job.JobId).GetStatusAsync();
                table.AddRow(Markup.Escape(job.JobId), Markup.Escape(job.Name ?? ""), status.State.ToString().ToLowerInvariant(), $"{status.ImagesDone}/{status.ImagesTotal}", job.SubmittedUtc.ToString("u"));
            }

            console.Out.Write(table);
            return 0;
        }));
        return command;
    }

    /// <param name="table">For results: several jobs (or output folders) as one table instead of one job's report.</param>
    private static Command JobVerb(CliConsole console, string name, string description, Func<ParseResult, IGrainFactory, string, CancellationToken, Task<int>> body,
        Option[]? extra = null, ResultsTableOptions? table = null)
    {
        var cluster = new ClusterOptions();
        var jobId = new Argument<string>("job") { Description = "The job id that submit printed." };
        var jobs = new Argument<string[]>("job") { Description = "The job id that submit printed (with --table: job ids or output folders, any number).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command(name, description) { table is null ? jobId : (Argument)jobs };
        foreach (var option in extra ?? [])
        {
            command.Options.Add(option);
        }

        table?.AddTo(command);
        cluster.AddTo(command);
        command.SetAction((parse, cancellationToken) => console.RunAsync(async () =>
        {
            string[] ids = table is null ? [parse.GetValue(jobId)!] : parse.GetValue(jobs) ?? [];
            if (table is not null && table.Wanted(parse))
            {
                return await table.RunAsync(console, cluster, parse, ids, cancellationToken);
            }

            if (ids.Length != 1)
            {
                throw new ArgumentException($"'{name}' takes one job id ({ids.Length} given); several jobs make a table: 'senet results --table JOB…' or 'senet results --table --all'.");
            }

            await using var connection = await cluster.ConnectAsync(parse, cancellationToken);
            return await body(parse, connection.Grains, ids[0], cancellationToken);
        }));
        return command;
    }

    /// <summary>The suite a job verb's id names: no job has that id, and the cluster's job list holds ID.DATASET jobs.</summary>
    private static async Task<IReadOnlyList<SuiteMember>?> SuiteOfAsync(IGrainFactory grains, JobStatus status) =>
        status.State == JobState.NotStarted && await SuiteJobs.FindAsync(grains, status.JobId) is { Count: > 0 } members ? members : null;

    /// <summary>
    /// A suite's table (models as rows, datasets as columns); suite.csv, suite.md and suite-results.csv are written beside
    /// the datasets' output folders where this client can reach them, and with --out also here, each dataset's report.json
    /// and results.csv under DIR/DATASET.
    /// </summary>
    private static async Task<int> SuiteResultsAsync(CliConsole console, IGrainFactory grains, string suiteId, IReadOnlyList<SuiteMember> suite, DirectoryInfo? output, CancellationToken cancellationToken)
    {
        var (table, results) = await SuiteJobs.GatherAsync(grains, suiteId, suite);
        var statuses = await SuiteJobs.StatusAsync(grains, suite);
        var running = statuses.Where(s => !s.Status.IsFinished).Select(s => s.Member.Dataset).ToList();
        if (running.Count > 0)
        {
            throw new InvalidOperationException($"Suite {suiteId} is still running ({string.Join(", ", running)}). Wait with 'senet watch {suiteId}'.");
        }

        SuiteJobs.Print(console, table);
        foreach (var (member, status) in statuses.Where(s => s.Status.Error is not null))
        {
            await console.Error.WriteLineAsync($"{member.Dataset} ({member.JobId}) {status.State.ToString().ToLowerInvariant()}: {status.Error}");
        }

        // The suite's folder is the parent of its datasets' (OUT/DATASET), read and written with this client's own credentials.
        if (results.FirstOrDefault(r => r.Results is not null) is ({ } first, { } firstResults))
        {
            var folder = firstResults.OutputFolder.Split('?')[0].TrimEnd('/', Path.DirectorySeparatorChar);
            if (folder.EndsWith(first.Dataset, StringComparison.Ordinal) && folder.Length > first.Dataset.Length)
            {
                var root = folder[..^(first.Dataset.Length + 1)];
                try
                {
                    var written = await SuiteJobs.WriteAsync(OutputStores.Open(root, CliStorage.FromEnvironment()), table, results, cancellationToken);
                    console.Out.MarkupLine($"written: [bold]{Markup.Escape(root)}[/] ({string.Join(", ", written)})");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or Azure.RequestFailedException)
                {
                    await console.Error.WriteLineAsync($"warning: the suite's folder {root} cannot be written from here ({CliConsole.Describe(e)}); pass --out DIR to save the table here.");
                }
            }
        }

        if (output is not null)
        {
            var local = OutputStores.Open(output.FullName, CliStorage.FromEnvironment());
            var written = await SuiteJobs.WriteAsync(local, table, results, cancellationToken);
            foreach (var (member, result) in results.Where(r => r.Results is not null))
            {
                await local.WriteAsync($"{member.Dataset}/report.json", System.Text.Encoding.UTF8.GetBytes(result!.ReportJson), cancellationToken);
                await local.WriteAsync($"{member.Dataset}/results.csv", System.Text.Encoding.UTF8.GetBytes(result.ResultsCsv), cancellationToken);
                foreach (var evaluation in result.Evaluations)
                {
                    // A job of several models or views: each one's under DATASET/<model>[/<view>]/, as the job wrote them.
                    await local.WriteAsync($"{member.Dataset}/{evaluation.Folder}/report.json", System.Text.Encoding.UTF8.GetBytes(evaluation.ReportJson), cancellationToken);
                    await local.WriteAsync($"{member.Dataset}/{evaluation.Folder}/results.csv", System.Text.Encoding.UTF8.GetBytes(evaluation.ResultsCsv), cancellationToken);
                }
            }

            var several = results.Any(r => r.Results is { Evaluations.Count: > 0 });
            console.Out.MarkupLine($"fetched: [bold]{Markup.Escape(output.FullName)}[/] ({Markup.Escape($"{string.Join(", ", written)}; each dataset's report.json and results.csv under DATASET/{(several ? ", each model × view's under DATASET/<model>[/<view>]/" : "")}")})");
        }

        return statuses.All(s => s.Status.State == JobState.Completed) ? 0 : 1;
    }

    private static void RequireJob(JobStatus status)
    {
        if (status.State == JobState.NotStarted)
        {
            throw new ArgumentException($"No job '{status.JobId}' in this cluster. 'senet jobs' lists them.");
        }
    }
}
