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
        using var leaseLost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var outputs = OutputStores.Open(spec.OutputFolder!, storage);
        var shardIds = Enumerable.Range(lease.ShardId, lease.ShardCount).ToList();
        var manifests = new IReadOnlyList<LabelledImage>[shardIds.Count];
        await Parallel.ForAsync(0, shardIds.Count, new ParallelOptions { MaxDegreeOfParallelism = FileConcurrency, CancellationToken = cancellationToken },
            async (i, ct) => manifests[i] = await ShardManifest.ReadAsync(outputs, shardIds[i], ct));

        var pass = await RunPassAsync(device, spec, lease, outputs, manifests, tags, leaseLost, cancellationToken);
        var finished = DateTime.UtcNow;
        var decoded = SplitDecoded(pass.Decoded, pass.Results[0]);
        await Parallel.ForAsync(0, shardIds.Count, new ParallelOptions { MaxDegreeOfParallelism = FileConcurrency, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var shard = shardIds[i];
            await WritePartsAsync(outputs, pass, i, shard, lease.LeaseId, JobOutputNames.PredictionsPart(shard), pass.ClassNames, ct);
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
                failures = pass.Results[0][i].Failures.Count,
            }), ct);
        });

        var images = manifests.Sum(m => m.Count);
        span?.SetTag("senet.shard.images", images);
        logger.LogInformation("Shards {First}–{Last} of job {Job}: {Images} images on {Device} in {Seconds:F1} s", lease.ShardId, lease.ShardId + lease.ShardCount - 1, lease.JobId, images, device, (DateTime.UtcNow - started).TotalSeconds);
        return [.. Enumerable.Range(0, shardIds.Count).Select(i => ResultOf(pass, i, worker, device, started, finished, decoded[i]))];
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
