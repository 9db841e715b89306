using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Pipeline;
using SENet.Evaluation.Reproducibility;
using SENet.Evaluation.Storage;
using SENet.Evaluation.Telemetry;
using SENet.Grains.Devices;
using SENet.Grains.Jobs;

namespace SENet.Grains.Workers;

/// <summary>A run of shards (--shard-size auto): one pipeline pass over all their images, one result and one set of parts per shard.</summary>
public sealed partial class ShardRunner
{
    // Manifests read and parts written at once: a run's per-shard files are many small blobs.
    private const int FileConcurrency = 16;

    public async Task<IReadOnlyList<ShardResult>> RunShardsAsync(string worker, string device, JobSpec spec, ShardLease lease, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var tags = ShardTags(lease, device);
        using var span = StartShardSpan(lease, tags);
        span?.SetTag("senet.shard.count", lease.ShardCount);
        var job = grains.GetGrain<IEvaluationJobGrain>(lease.JobId);
        using var leaseLost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var outputs = OutputStores.Open(spec.OutputFolder!, storage);
        var shardIds = Enumerable.Range(lease.ShardId, lease.ShardCount).ToList();
        var manifests = new IReadOnlyList<LabelledImage>[shardIds.Count];
        await Parallel.ForAsync(0, shardIds.Count, new ParallelOptions { MaxDegreeOfParallelism = FileConcurrency, CancellationToken = cancellationToken },
            async (i, ct) => manifests[i] = await ShardManifest.ReadAsync(outputs, shardIds[i], ct));

        var modelPath = await models.ResolveAsync(spec.ModelPath, cancellationToken);
        using var use = await sessions.GetAsync(modelPath, DeviceInventory.ToInferenceDevice(device, spec.DevicePolicy), spec.BatchSize, cancellationToken);
        var session = use.Session;
        using var decoder = new ImageDecoder();
        var labels = await LabelManifest.ReadAsync(outputs, cancellationToken);
        var pipeline = PipelineFor(spec, session, decoder, labels, tags);

        var renewal = new LeaseRenewal(lease, imagesDone => job.RenewAsync(lease, imagesDone), leaseLost, RenewInterval, logger);
        var classNames = await ShardManifest.ReadClassNamesAsync(outputs, cancellationToken);
        // A prediction's image names its shard: a job's manifests list each image once.
        var shardOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < manifests.Length; i++)
        {
            foreach (var image in manifests[i])
            {
                shardOf[image.Path] = i;
            }
        }

        var predictions = manifests.Select(m => new List<ImagePrediction>(m.Count)).ToArray();
        IReadOnlyList<EvaluationResult> results;
        try
        {
            results = await pipeline.RunGroupsAsync(manifests, p => predictions[shardOf[p.ImageId]].Add(p), renewal, leaseLost.Token);
        }
        finally
        {
            await renewal.StopAsync();
        }

        var finished = DateTime.UtcNow;
        var decoded = SplitDecoded(decoder.Tally.Snapshot(), results);
        await Parallel.ForAsync(0, shardIds.Count, new ParallelOptions { MaxDegreeOfParallelism = FileConcurrency, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var shard = shardIds[i];
            if (results[i].Failures.Count > 0)
            {
                await outputs.WriteAsync(JobOutputNames.FailuresPart(shard, lease.LeaseId), JsonSerializer.SerializeToUtf8Bytes(results[i].Failures), ct);
            }

            var csv = new StringWriter();
            using (var writer = new PredictionsCsvWriter(csv, classNames))
            {
                writer.WriteSorted(predictions[i]);
            }

            await outputs.WriteAsync(JobOutputNames.PredictionsPart(shard), Encoding.UTF8.GetBytes(csv.ToString()), ct);
            await outputs.WriteAsync(JobOutputNames.ShardLog(shard), JsonSerializer.SerializeToUtf8Bytes(new
            {
                shard,
                attempt = lease.Attempt,
                duplicate = lease.Duplicate,
                run = $"{lease.ShardId}+{lease.ShardCount}",
                worker,
                silo = silo.SiloAddress.ToParsableString(),
                device,
                start = started,
                end = finished,
                images = manifests[i].Count,
                failures = results[i].Failures.Count,
            }), ct);
        });

        var images = manifests.Sum(m => m.Count);
        span?.SetTag("senet.shard.images", images);
        logger.LogInformation("Shards {First}–{Last} of job {Job}: {Images} images on {Device} in {Seconds:F1} s", lease.ShardId, lease.ShardId + lease.ShardCount - 1, lease.JobId, images, device, (DateTime.UtcNow - started).TotalSeconds);
        var provider = ProviderSettings.Describe(device, session, sessions.Cuda, sessions.CpuThreadsPerSession);
        return [.. results.Select((result, i) => new ShardResult(result.Counts, result.Failures, worker, device, started, finished) { Decoded = decoded[i], ExecutionProvider = provider })];
    }

    /// <summary>
    /// The run's decoder tally shared out among its shards so that each key's shares add up to the run's count and each
    /// shard's shares add up to its decoded images (scored, or failed after decoding: what the decoder counted). With one
    /// decoder and one format, as a dataset of JPEGs has, every shard's tally is exact; with several, which of them a
    /// shard is credited with is not recorded per image, only how many.
    /// </summary>
    public static IReadOnlyList<Dictionary<string, long>> SplitDecoded(Dictionary<string, long> tally, IReadOnlyList<EvaluationResult> results)
    {
        var split = results.Select(_ => new Dictionary<string, long>(StringComparer.Ordinal)).ToArray();
        if (split.Length == 0)
        {
            return split;
        }

        var room = results.Select(r => r.Counts.Images + r.Failures.Count(f => f.Stage == "preprocess")).ToArray();
        var shard = 0;
        foreach (var (key, count) in tally.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            for (var left = count; left > 0;)
            {
                while (shard < room.Length - 1 && room[shard] <= 0)
                {
                    shard++;
                }

                // The last shard takes whatever is left, so nothing of the tally is lost even if the counts disagreed.
                var take = shard == room.Length - 1 ? left : Math.Min(left, room[shard]);
                split[shard][key] = split[shard].GetValueOrDefault(key) + take;
                room[shard] -= take;
                left -= take;
            }
        }

        return split;
    }
}
