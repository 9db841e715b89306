using System.CommandLine;
using SENet.Client.Cluster;
using SENet.Client.Suites;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Grains.Devices;
using SENet.Silo.Hosting;
using Spectre.Console;

namespace SENet.Client.Commands;

/// <summary>
/// <c>senet evaluate --data DIR [--labels FILE] --model M</c>: the embedded default. It starts one in-process silo
/// and runs the job through the same coordinator and worker grains as a cluster.
/// </summary>
public static class EvaluateCommand
{
    public static Command Create(CliConsole console)
    {
        var data = new Option<string?>("--data") { Description = "Dataset folder or blob URL: ImageFolder (a sub-folder per class) or flat with --labels. Or --suite." };
        var suite = SuiteOption();
        var model = new Option<string[]>("--model") { Description = "ONNX classifier (path or blob URL): input [N,3,H,W], output [N,C]. Repeatable: several models share one pass (each image read and decoded once), each reported under OUT/<model-name>/." };
        var modelsFile = new Option<string?>("--models") { Description = "A models file: one model a line, PATH or NAME=PATH ('#' starts a comment); joins any --model." };
        var device = DeviceOption();
        var threads = EvaluationOptions.Checked(new Option<int>("--threads") { Description = "ONNX Runtime threads on the CPU (0: every core).", DefaultValueFactory = _ => 0 },
            v => v >= 0, "0 (every core) or a whole number of threads");
        var options = new EvaluationOptions();
        var command = new Command("evaluate", "Evaluate a model on a labelled image dataset in an in-process silo: exact top-1 / top-5 error, per-class accuracy, predictions.")
        {
            data, suite, model, modelsFile, device, threads,
        };
        options.AddTo(command);
        command.SetAction((parse, cancellationToken) => console.RunAsync(async () =>
        {
            var (devices, policy) = EmbeddedDevices(parse.GetValue(device)!, parse.GetValue(threads));
            if (parse.GetValue(suite) is { } suiteFile)
            {
                var plan = SuitePlan.Create(parse, SuiteFile.Load(suiteFile), SuitePlan.NewSuiteId(), parse.GetValue(options.Output) is { } root ? EvaluationOptions.Location(root) : null,
                    entry => options.ToJobSpec(entry, ModelList.ToJobModels(ModelList.From(entry.GetValue(model) ?? [], entry.GetValue(modelsFile))), entry.GetValue(data)!, policy), [data, .. options.PerDataset], checkLocalFiles: true);
                return await RunSuiteEmbeddedAsync(console, plan, devices, cancellationToken);
            }

            var dataLocation = parse.GetValue(data) ?? throw new ArgumentException("evaluate needs --data (the dataset's folder or blob URL) or --suite (a file listing several datasets).");
            if (!Evaluation.Storage.StorageLocation.LooksLikeBlob(dataLocation) && !Directory.Exists(dataLocation))
            {
                throw new DirectoryNotFoundException($"Dataset folder '{Path.GetFullPath(dataLocation)}' does not exist. Pass --data with the folder that holds the images.");
            }

            var spec = options.ToJobSpec(parse, ModelList.ToJobModels(ModelList.From(parse.GetValue(model) ?? [], parse.GetValue(modelsFile))), dataLocation, policy);
            if (JobEvaluations.Of(spec).Count > 1)
            {
                // Each model × view's predictions.csv beside its report, as one pass has always written them.
                spec = spec with { JoinPredictions = true };
            }

            var report = await RunEmbeddedAsync(console, spec, devices, cancellationToken);
            return ExitCode(report, cancellationToken);
        }));
        return command;
    }

    /// <summary><c>--suite FILE</c>: several datasets, each with its label conventions, evaluated with the same model(s) in one run.</summary>
    public static Option<string?> SuiteOption() => new("--suite")
    {
        Description = "A JSON file listing datasets ({\"datasets\": [{\"name\": \"imagenet\", \"data\": \"/data/val\", \"real-labels\": \"real.json\"}, …]}; keys: name, layout, "
            + "data, labels, label-format, class-list, real-labels, class-subset, class-subset-mode, view, on-missing) to evaluate in one run; needs --out, "
            + "which gets suite.csv / suite.md (models as rows, datasets as columns) and one folder per dataset.",
    };

    /// <summary>The embedded default's <c>--device</c>: auto, cpu, cuda or cuda:N, checked while parsing.</summary>
    public static Option<string> DeviceOption() => EvaluationOptions.Parsed(
        new Option<string>("--device") { Description = "auto (the GPUs where CUDA loads, else the CPU), cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" },
        text => InferenceDevice.Parse(text));

    /// <summary>0 for a completed job; <see cref="ExitCodes.Cancelled"/> when a signal cancelled it; 1 otherwise.</summary>
    public static int ExitCode(EvaluationReport report, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? ExitCodes.Cancelled : report.State == "completed" ? ExitCodes.Success : ExitCodes.Failure;

    /// <summary>Shards each device of the embedded silo runs at once.</summary>
    public const int EmbeddedShardsInFlight = 2;

    /// <summary>The embedded silo's devices for a <c>--device</c> value: auto discovers, cpu forces the CPU, cuda[:N] names the GPU.</summary>
    public static (DeviceOptions Devices, DevicePolicy Policy) EmbeddedDevices(string device, int cpuThreads)
    {
        var parsed = InferenceDevice.Parse(device);
        // A silo reads its GPU memory limit from SENet:Devices:Cuda:MemoryLimitMb; the embedded one from the same variable.
        var cuda = new CudaDeviceOptions { MemoryLimitMb = ManyModelEvaluation.MemoryLimitMb() };
        // Two shards in flight on the CPU too: the next shard is leased, read and decoded while the last one's batches run,
        // so small shards do not each wait for a lease and a completion's durable write with the device idle.
        return parsed.Kind switch
        {
            DeviceKind.Cpu => (new DeviceOptions { List = "cpu:0", CpuThreads = cpuThreads, ShardsInFlight = EmbeddedShardsInFlight, Cuda = cuda }, DevicePolicy.Cpu),
            DeviceKind.Cuda => (new DeviceOptions { List = parsed.ToString(), CpuThreads = cpuThreads, ShardsInFlight = EmbeddedShardsInFlight, Cuda = cuda }, DevicePolicy.Auto),
            _ => (new DeviceOptions { CpuThreads = cpuThreads, ShardsInFlight = EmbeddedShardsInFlight, Cuda = cuda }, DevicePolicy.Auto),
        };
    }

    /// <summary>Starts the in-process silo, submits the job, follows it and prints the report; Ctrl+C cancels the job.</summary>
    public static async Task<EvaluationReport> RunEmbeddedAsync(CliConsole console, JobSpec spec, DeviceOptions devices, CancellationToken cancellationToken)
    {
        var cluster = await EmbeddedCluster.StartAsync(devices, storage: CliStorage.FromEnvironment(), cancellationToken: CancellationToken.None, briefLog: !console.Verbose);
        try
        {
            return await RunAsync(console, cluster, spec, cancellationToken);
        }
        finally
        {
            // Cancelled: the report is written; a silo that is slow to stop must not hold the process.
            var stopping = cluster.DisposeAsync().AsTask();
            if (cancellationToken.IsCancellationRequested)
            {
                await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(5)));
            }
            else
            {
                await stopping;
            }
        }
    }

    /// <summary>
    /// A suite on the in-process silo: every dataset's job started (each checked by its coordinator) before any is
    /// followed, then one table; the jobs share the silo's devices.
    /// </summary>
    private static async Task<int> RunSuiteEmbeddedAsync(CliConsole console, SuitePlan plan, DeviceOptions devices, CancellationToken cancellationToken)
    {
        var cluster = await EmbeddedCluster.StartAsync(devices, storage: CliStorage.FromEnvironment(), cancellationToken: CancellationToken.None, briefLog: !console.Verbose);
        try
        {
            var grains = cluster.Grains;
            if (cluster.Devices.Note is { } note)
            {
                console.Error.WriteLine($"warning: {note}");
            }

            if (Evaluation.Imaging.ImageDecoder.TurboJpegMissingWarning is { } decoding)
            {
                console.Error.WriteLine($"warning: {decoding}");
            }

            console.Error.WriteLine($"suite {plan.SuiteId}: {plan.Jobs.Count} datasets from {plan.Suite.Display} on {string.Join(", ", cluster.Devices.Devices)}");
            var members = await SuiteJobs.StartAsync(console, grains, plan, cancellationToken);
            try
            {
                await SuiteJobs.WatchAsync(console, grains, members, plan.SuiteId, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                await SuiteJobs.CancelAsync(grains, members);
            }

            var name = Path.GetFileNameWithoutExtension(plan.Suite.Display);
            var (table, results) = await SuiteJobs.GatherAsync(grains, name, members);
            var exitCode = ExitCodes.Success;
            foreach (var (member, result) in results)
            {
                var status = await grains.GetGrain<IEvaluationJobGrain>(member.JobId).GetStatusAsync();
                var report = result is null ? null : ReportWriter.FromJson(result.ReportJson);
                var code = report is null ? ExitCodes.Failure : ExitCode(report, cancellationToken);
                exitCode = code == ExitCodes.Success ? exitCode : code;
                var figures = report is null ? status.State.ToString().ToLowerInvariant() : $"{report.StateSummary()}, {report.Images:N0} images scored, {report.Failed:N0} failed"
                    + (result is { Evaluations.Count: > 0 } ? $" by each of {result.Evaluations.Count} evaluations" : "");
                console.Out.MarkupLine(Markup.Escape($"{member.Dataset}: {figures}{(status.Error is null ? "" : $": {status.Error}")} -> {SuitePlan.Child(plan.Output, member.Dataset)}"));
            }

            SuiteJobs.Print(console, table);
            var written = await SuiteJobs.WriteAsync(Evaluation.Storage.OutputStores.Open(plan.Output, CliStorage.FromEnvironment()), table, results, CancellationToken.None);
            console.Out.MarkupLine($"written: [bold]{Markup.Escape(Evaluation.Storage.StorageLocation.Redact(plan.Output))}[/] ({string.Join(", ", written)}; each dataset's report.json, results.csv, report.html and predictions/ under its own folder)");
            return cancellationToken.IsCancellationRequested ? ExitCodes.Cancelled : exitCode;
        }
        finally
        {
            var stopping = cluster.DisposeAsync().AsTask();
            if (cancellationToken.IsCancellationRequested)
            {
                await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(5)));
            }
            else
            {
                await stopping;
            }
        }
    }

    private static async Task<EvaluationReport> RunAsync(CliConsole console, EmbeddedCluster cluster, JobSpec spec, CancellationToken cancellationToken)
    {
        var jobId = JobIds.New();
        var job = cluster.Grains.GetGrain<IEvaluationJobGrain>(jobId);
        JobStatus started;
        // A signal while the model loads or the dataset lists cancels that too (CancelAsync interleaves with StartAsync).
        await using (cancellationToken.Register(() => _ = job.CancelAsync()))
        {
            started = await job.StartAsync(spec);
        }

        var discovery = cluster.Devices;
        if (discovery.Note is { } note)
        {
            console.Error.WriteLine($"warning: {note}");
        }

        // The embedded silo decodes in this process: without libturbojpeg its JPEGs go through Skia, which the report records.
        if (Evaluation.Imaging.ImageDecoder.TurboJpegMissingWarning is { } decoding)
        {
            console.Error.WriteLine($"warning: {decoding}");
        }

        var evaluations = JobEvaluations.Of(spec);
        var scoring = evaluations.Count > 1
            ? $" for {evaluations.Count} evaluations in one pass ({JobEvaluations.ModelsOf(spec).Count} model(s) × {JobEvaluations.ViewsOf(spec).Count} view(s))"
            : "";
        // Answered at once: the dataset may still be listing, and its totals so far read as the job's would mislead.
        console.Error.WriteLine($"job {jobId}: {JobCommands.Planned(started)}{scoring} on {string.Join(", ", discovery.Devices)}");
        try
        {
            await JobWatcher.WatchAsync(console, cluster.Grains, jobId, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await job.CancelAsync();
        }

        var results = await job.GetResultsAsync() ?? (cancellationToken.IsCancellationRequested
            ? throw new OperationCanceledException($"Job {jobId} was cancelled before any image was evaluated.")
            : throw new InvalidOperationException($"Job {jobId} ended without a report."));
        var report = ReportWriter.FromJson(results.ReportJson);
        var status = await job.GetStatusAsync();
        if (results.Evaluations.Count == 0)
        {
            ReportPrinter.PrintOrExplain(console, jobId, report, status.Error);
            console.Out.MarkupLine($"written: [bold]{Markup.Escape(results.OutputFolder)}[/] (report.json, results.csv, report.html, predictions/)");
            return report;
        }

        ManyModelEvaluation.PrintOrExplain(console, jobId, results, status.Error);
        console.Out.MarkupLine($"written: [bold]{Markup.Escape(results.OutputFolder)}[/] ({Markup.Escape(ManyModelEvaluation.Describe(results))} and predictions.csv)");
        return report;
    }
}
