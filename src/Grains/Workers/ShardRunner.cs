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
/// silo's shared session, renews the lease as images complete, and writes the shard's predictions part (once, by
/// rename, so a retried or duplicated shard replaces its own part and never adds rows).
/// </summary>
public sealed partial class ShardRunner(SessionPool sessions, IOptions<DeviceOptions> deviceOptions, ModelCache models, IOptions<StorageOptions> storageOptions, IDatasetSourceFactory datasets, DecodeScheduler decode, IGrainFactory grains, ILocalSiloDetails silo, ILogger<ShardRunner> logger)
{
    private static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(2);
    private readonly DeviceOptions devices = deviceOptions.Value;
    private readonly StorageOptions storage = storageOptions.Value;

    /// <summary>Loads the job's model on this worker's device (once per silo); a device that cannot must not take leases.</summary>
    public async Task PrepareAsync(string device, JobSpec spec, CancellationToken cancellationToken)
    {
        var modelPath = await models.ResolveAsync(spec.ModelPath, cancellationToken);
        using var use = await sessions.GetAsync(modelPath, DeviceInventory.ToInferenceDevice(device, spec.DevicePolicy), spec.BatchSize, cancellationToken);
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

    /// <summary>The job's pipeline on this silo's session, with the label conventions the coordinator resolved while planning.</summary>
    private EvaluationPipeline PipelineFor(JobSpec spec, ClassifierSession session, ImageDecoder decoder, LabelManifest? labels, KeyValuePair<string, object?>[] tags) =>
        new(session, datasets.Open(spec.DataPath), decoder, spec.ToPreprocessSpec(session.InputHeight),
            new PipelineOptions(ReadConcurrency: devices.EffectiveReadConcurrency, MaxPixels: spec.MaxPixels, TelemetryTags: tags, DecodeScheduler: decode,
                MaxFileBytes: spec.CheckedMaxFileBytes(), ClassSubset: labels?.Subset(session.Classes), LabelSets: labels?.LabelSets ?? false, Outputs: spec.Outputs));

    public async Task<ShardResult> RunAsync(string worker, string device, JobSpec spec, ShardLease lease, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var tags = ShardTags(lease, device);
        using var span = StartShardSpan(lease, tags);
        var job = grains.GetGrain<IEvaluationJobGrain>(lease.JobId);
        using var leaseLost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var outputs = OutputStores.Open(spec.OutputFolder!, storage);
        var images = await ShardManifest.ReadAsync(outputs, lease.ShardId, cancellationToken);
        if (lease.Range is { } range)
        {
            // A quarantined shard runs one range at a time, so that a death names the range that caused it.
            images = [.. images.Skip(range.Start).Take(range.Count)];
            span?.SetTag("senet.shard.range", range.ToString());
        }

        var modelPath = await models.ResolveAsync(spec.ModelPath, cancellationToken);
        using var use = await sessions.GetAsync(modelPath, DeviceInventory.ToInferenceDevice(device, spec.DevicePolicy), spec.BatchSize, cancellationToken);
        var session = use.Session;
        using var decoder = new ImageDecoder();
        // The label conventions as the coordinator resolved them while planning (class subset, label sets).
        var labels = await LabelManifest.ReadAsync(outputs, cancellationToken);
        var pipeline = PipelineFor(spec, session, decoder, labels, tags);

        var renewal = new LeaseRenewal(lease, imagesDone => job.RenewAsync(lease, imagesDone), leaseLost, RenewInterval, logger);
        var classNames = await ShardManifest.ReadClassNamesAsync(outputs, cancellationToken);
        // Called one batch at a time (under the pipeline's counts lock), so a plain list is enough.
        var predictions = new List<ImagePrediction>(images.Count);
        EvaluationResult result;
        try
        {
            result = await pipeline.RunAsync(images, predictions.Add, renewal, leaseLost.Token);
        }
        finally
        {
            // Before leaseLost is disposed and before the coordinator hears of the completion (see LeaseRenewal).
            await renewal.StopAsync();
        }

        var csv = new StringWriter();
        using (var writer = new PredictionsCsvWriter(csv, classNames))
        {
            writer.WriteSorted(predictions);
        }

        if (result.Failures.Count > 0)
        {
            await outputs.WriteAsync(JobOutputNames.FailuresPart(lease.ShardId, lease.LeaseId), JsonSerializer.SerializeToUtf8Bytes(result.Failures), cancellationToken);
        }

        // One part per shard, written whole: a retried or duplicated shard replaces its own part, never adds rows.
        var part = lease.Range is { } done ? JobOutputNames.PredictionsRangePart(lease.ShardId, done.Start, done.Count) : JobOutputNames.PredictionsPart(lease.ShardId);
        await outputs.WriteAsync(part, Encoding.UTF8.GetBytes(csv.ToString()), cancellationToken);
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
            failures = result.Failures.Count,
        }), cancellationToken);

        span?.SetTag("senet.shard.images", images.Count);
        logger.LogInformation("Shard {Shard} of job {Job}: {Images} images on {Device} in {Seconds:F1} s", lease.ShardId, lease.JobId, images.Count, device, (DateTime.UtcNow - started).TotalSeconds);
        return new ShardResult(result.Counts, result.Failures, worker, device, started, DateTime.UtcNow)
        {
            Decoded = decoder.Tally.Snapshot(),
            ExecutionProvider = ProviderSettings.Describe(device, session, sessions.Cuda, sessions.CpuThreadsPerSession),
        };
    }
}
