using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;
using SENet.Evaluation.Reproducibility;
using SENet.Evaluation.Storage;
using SENet.Evaluation.Telemetry;
using SENet.Grains.Devices;
using SENet.Grains.Jobs;
using Microsoft.Extensions.Options;

namespace SENet.Grains.Workers;

/// <summary>
/// Runs one leased shard on a device, off the grain scheduler: reads its manifest, runs the engine's pipeline on the
/// silo's shared sessions (one per model of the job: a job of several models or views scores every one of them in the
/// same pass, each image read and decoded once), renews the lease as images complete, and writes the shard's
/// predictions part (once, by rename, so a retried or duplicated shard replaces its own part and never adds rows),
/// one per evaluation under its folder.
/// </summary>
public sealed partial class ShardRunner(SessionPool sessions, IOptions<DeviceOptions> deviceOptions, ModelCache models, IOptions<StorageOptions> storageOptions, IDatasetSourceFactory datasets, DecodeScheduler decode, IGrainFactory grains, ILocalSiloDetails silo, ILogger<ShardRunner> logger)
{
    private static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(2);
    private readonly DeviceOptions devices = deviceOptions.Value;
    private readonly StorageOptions storage = storageOptions.Value;

    /// <summary>
    /// Loads the job's models on this worker's device (once per silo), after checking that their sessions fit the
    /// device's memory limit; a device that cannot must not take leases.
    /// </summary>
    public async Task PrepareAsync(string device, JobSpec spec, CancellationToken cancellationToken)
    {
        using var loaded = await LoadAsync(device, spec, checkMemory: true, cancellationToken);
        if (loaded.Several)
        {
            logger.LogInformation("Device {Device} holds the sessions of {Models} model(s) for {Evaluations} evaluations of one pass", device, JobEvaluations.ModelsOf(spec).Count, loaded.Evaluations.Count);
        }
    }

    /// <summary>
    /// The job's sessions on <paramref name="device"/>: one per model. A model that does not load is named (with several).
    /// With <paramref name="checkMemory"/>, on a GPU with <c>SENet:Devices:Cuda:MemoryLimitMb</c> set, a job of several
    /// evaluations whose sessions are estimated not to fit is refused with the figures before any is loaded.
    /// </summary>
    private async Task<JobSessions> LoadAsync(string device, JobSpec spec, bool checkMemory, CancellationToken cancellationToken)
    {
        var evaluations = JobEvaluations.Of(spec);
        var jobModels = JobEvaluations.ModelsOf(spec);
        var several = evaluations.Count > 1;
        var inference = DeviceInventory.ToInferenceDevice(device, spec.DevicePolicy);
        var paths = new string[jobModels.Count];
        for (var m = 0; m < jobModels.Count; m++)
        {
            paths[m] = await Named(jobModels[m], several, () => models.ResolveAsync(jobModels[m].Path, cancellationToken));
        }

        if (checkMemory && several && inference.Kind == DeviceKind.Cuda && sessions.Cuda.MemoryLimitMb > 0)
        {
            var estimates = new List<(string Model, long SessionBytes)>();
            for (var m = 0; m < jobModels.Count; m++)
            {
                var path = paths[m];
                var description = await Named(jobModels[m], several, async () => ModelInspector.Inspect(await ModelFiles.ReadAsync(path, sessions.MaxModelBytes, cancellationToken)));
                estimates.Add((jobModels[m].Name, SessionMemoryEstimate.SessionBytes(description, spec.BatchSize, 224)));
            }

            var (held, megabytes) = SessionMemoryEstimate.CheckFits(estimates, sessions.GpuStreams, sessions.Cuda.MemoryLimitMb, device);
            logger.LogInformation("Device {Device} holds {Sessions} session(s) for job models, about {Megabytes} MiB estimated of SENet:Devices:Cuda:MemoryLimitMb = {Limit}", device, held, megabytes, sessions.Cuda.MemoryLimitMb);
        }

        var uses = new List<SessionUse>(jobModels.Count);
        try
        {
            for (var m = 0; m < jobModels.Count; m++)
            {
                var path = paths[m];
                uses.Add(await Named(jobModels[m], several, () => sessions.GetAsync(path, inference, spec.BatchSize, cancellationToken)));
            }
        }
        catch
        {
            uses.ForEach(u => u.Dispose());
            throw;
        }

        return new JobSessions(evaluations, jobModels, uses);
    }

    /// <summary>A model's failure, named after it when the job has several; storage away and cancellation stay what they are (the worker waits or stops).</summary>
    private static async Task<T> Named<T>(JobModel model, bool several, Func<Task<T>> load)
    {
        try
        {
            return await load();
        }
        catch (Exception e) when (several && e is ModelValidationException or FileNotFoundException or IOException or UnauthorizedAccessException or DeviceUnavailableException && e is not StorageUnavailableException)
        {
            throw new ModelValidationException($"Model {model.Name} ({Path.GetFileName(model.Path.Split('?')[0])}): {e.Message}", e);
        }
    }

    /// <summary>The telemetry tags of a lease's work: its job, silo (the address the CLI prints, so a dashboard's silo is recognisable) and device.</summary>
    private KeyValuePair<string, object?>[] ShardTags(ShardLease lease, string device) =>
    [
        new(TelemetryTags.Job, lease.JobId),
        new(TelemetryTags.Silo, silo.SiloAddress.ToParsableString()),
        new(TelemetryTags.Device, device),
    ];

    /// <summary>The lease's span, a child of the job's trace.</summary>
    private static Activity? StartShardSpan(ShardLease lease, KeyValuePair<string, object?>[] tags)
    {
        ActivityContext.TryParse(lease.TraceParent, null, out var jobContext);
        var span = EvaluationTelemetry.Source.StartActivity("senet.shard", ActivityKind.Internal, jobContext, tags);
        span?.SetTag("senet.shard", lease.ShardId);
        span?.SetTag("senet.shard.attempt", lease.Attempt);
        span?.SetTag("senet.shard.duplicate", lease.Duplicate);
        return span;
    }

    /// <summary>
    /// The job's pipeline on this silo's sessions, one evaluation per model × view (each with its model's session and its
    /// view's preprocessing, as a job of that model and view alone has them), with the label conventions the coordinator
    /// resolved while planning. <paramref name="predictions"/> receives evaluation i's predictions as (i, prediction).
    /// </summary>
    private EvaluationPipeline PipelineFor(JobSpec spec, JobSessions loaded, ImageDecoder decoder, LabelManifest? labels, KeyValuePair<string, object?>[] tags, Action<int, ImagePrediction> predictions)
    {
        var evaluations = loaded.Evaluations.Select((evaluation, i) =>
        {
            var session = loaded.SessionOf(i);
            var preprocess = spec.ForEvaluation(evaluation).ToPreprocessSpec(session.InputHeight);
            return new PipelineEvaluation(session, preprocess, loaded.Several ? $"Model {evaluation.Model}, view {evaluation.View}" : null, p => predictions(i, p));
        }).ToList();
        var classes = loaded.First.Classes;
        return new EvaluationPipeline(datasets.Open(spec.DataPath), decoder, evaluations,
            new PipelineOptions(ReadConcurrency: devices.EffectiveReadConcurrency, MaxPixels: spec.MaxPixels, TelemetryTags: tags, DecodeScheduler: decode,
                MaxFileBytes: spec.CheckedMaxFileBytes(), ClassSubset: labels?.Subset(classes), LabelSets: labels?.LabelSets ?? false, Outputs: spec.Outputs));
    }

    /// <summary>
    /// One pass over <paramref name="manifests"/> (one shard's images, or a run's shards) for every evaluation of the
    /// job: results [evaluation][part] and predictions [evaluation][part], each part counted as if it ran alone.
    /// </summary>
    private async Task<PassOutcome> RunPassAsync(string device, JobSpec spec, ShardLease lease, IOutputStore outputs, IReadOnlyList<IReadOnlyList<LabelledImage>> manifests,
        KeyValuePair<string, object?>[] tags, CancellationTokenSource leaseLost, CancellationToken cancellationToken)
    {
        var job = grains.GetGrain<IEvaluationJobGrain>(lease.JobId);
        using var loaded = await LoadAsync(device, spec, checkMemory: false, cancellationToken);
        using var decoder = new ImageDecoder();
        // The label conventions as the coordinator resolved them while planning (class subset, label sets).
        var labels = await LabelManifest.ReadAsync(outputs, cancellationToken);
        // A prediction's image names its part: a job's manifests list each image once.
        var partOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < manifests.Count; i++)
        {
            foreach (var image in manifests[i])
            {
                partOf[image.Path] = i;
            }
        }

        // Each evaluation's predictions are added one batch at a time under its lane's lock, so plain lists are enough.
        var predictions = loaded.Evaluations.Select(_ => manifests.Select(m => new List<ImagePrediction>(m.Count)).ToArray()).ToArray();
        var pipeline = PipelineFor(spec, loaded, decoder, labels, tags, (i, p) => predictions[i][manifests.Count == 1 ? 0 : partOf[p.ImageId]].Add(p));
        var renewal = new LeaseRenewal(lease, imagesDone => job.RenewAsync(lease, imagesDone), leaseLost, RenewInterval, logger);
        IReadOnlyList<IReadOnlyList<EvaluationResult>> results;
        IReadOnlyList<string> classNames;
        try
        {
            results = await pipeline.RunPartsAsync(manifests, renewal, leaseLost.Token);
            // Under the lease, still renewed: a blob dataset's first shards may be scored before planning has the names.
            classNames = await ShardManifest.ReadClassNamesAsync(outputs, labels?.ClassNamesToCome ?? false, leaseLost.Token);
        }
        finally
        {
            // Before leaseLost is disposed and before the coordinator hears of the completion (see LeaseRenewal).
            await renewal.StopAsync();
        }

        return new PassOutcome(loaded.Evaluations, results, predictions, decoder.Tally.Snapshot(),
            ProviderSettings.Describe(device, loaded.First, sessions.Cuda, sessions.CpuThreadsPerSession), classNames);
    }

    /// <summary>
    /// Writes part <paramref name="part"/>'s predictions and failures, each evaluation's under its folder: predictions
    /// as <paramref name="predictionsName"/>, failures (where any evaluation failed an image, every evaluation's, so that
    /// the coordinator finds each where the shard has failures) as the lease's failures part.
    /// </summary>
    private static async Task WritePartsAsync(IOutputStore outputs, PassOutcome pass, int part, int shard, Guid leaseId, string predictionsName, IReadOnlyList<string> classNames, CancellationToken cancellationToken)
    {
        var anyFailed = pass.Results.Any(r => r[part].Failures.Count > 0);
        for (var e = 0; e < pass.Evaluations.Count; e++)
        {
            var store = OutputStores.Under(outputs, pass.Evaluations[e].Folder);
            var failures = pass.Results[e][part].Failures;
            if (anyFailed)
            {
                await store.WriteAsync(JobOutputNames.FailuresPart(shard, leaseId), JsonSerializer.SerializeToUtf8Bytes(failures), cancellationToken);
            }

            var csv = new StringWriter();
            using (var writer = new PredictionsCsvWriter(csv, classNames))
            {
                writer.WriteSorted(pass.Predictions[e][part]);
            }

            // One part per shard, written whole: a retried or duplicated shard replaces its own part, never adds rows.
            await store.WriteAsync(predictionsName, Encoding.UTF8.GetBytes(csv.ToString()), cancellationToken);
        }
    }

    /// <summary>Part <paramref name="part"/>'s result: the first evaluation's counts and failures, and with several, every evaluation's.</summary>
    private static ShardResult ResultOf(PassOutcome pass, int part, string worker, string device, DateTime started, DateTime finished, Dictionary<string, long> decoded)
    {
        var first = pass.Results[0][part];
        return new ShardResult(first.Counts, first.Failures, worker, device, started, finished)
        {
            Decoded = decoded,
            ExecutionProvider = pass.ExecutionProvider,
            Evaluations = pass.Evaluations.Count > 1 ? [.. pass.Results.Select(r => new ShardEvaluationResult(r[part].Counts, r[part].Failures))] : [],
        };
    }

    public async Task<ShardResult> RunAsync(string worker, string device, JobSpec spec, ShardLease lease, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var tags = ShardTags(lease, device);
        using var span = StartShardSpan(lease, tags);
        using var leaseLost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var outputs = OutputStores.Open(spec.OutputFolder!, storage);
        var images = await ShardManifest.ReadAsync(outputs, lease.ShardId, cancellationToken);
        if (lease.Range is { } range)
        {
            // A quarantined shard runs one range at a time, so that a death names the range that caused it.
            images = [.. images.Skip(range.Start).Take(range.Count)];
            span?.SetTag("senet.shard.range", range.ToString());
        }

        var pass = await RunPassAsync(device, spec, lease, outputs, [images], tags, leaseLost, cancellationToken);
        var part = lease.Range is { } done ? JobOutputNames.PredictionsRangePart(lease.ShardId, done.Start, done.Count) : JobOutputNames.PredictionsPart(lease.ShardId);
        await WritePartsAsync(outputs, pass, 0, lease.ShardId, lease.LeaseId, part, pass.ClassNames, cancellationToken);
        var failures = pass.Results[0][0].Failures.Count;
        await outputs.WriteAsync(JobOutputNames.ShardLog(lease.ShardId), JsonSerializer.SerializeToUtf8Bytes(new
        {
            shard = lease.ShardId,
            attempt = lease.Attempt,
            duplicate = lease.Duplicate,
            range = lease.Range?.ToString(),
            worker,
            silo = silo.SiloAddress.ToParsableString(),
            device,
            start = started,
            end = DateTime.UtcNow,
            images = images.Count,
            failures,
        }), cancellationToken);

        span?.SetTag("senet.shard.images", images.Count);
        logger.LogInformation("Shard {Shard} of job {Job}: {Images} images on {Device} in {Seconds:F1} s", lease.ShardId, lease.JobId, images.Count, device, (DateTime.UtcNow - started).TotalSeconds);
        return ResultOf(pass, 0, worker, device, started, DateTime.UtcNow, pass.Decoded);
    }
}
