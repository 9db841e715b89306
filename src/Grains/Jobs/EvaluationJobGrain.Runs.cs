using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;

namespace SENet.Grains.Jobs;

/// <summary>--shard-size auto: leases sized by the <see cref="LeaseSizer"/>, runs of shards completed in one call.</summary>
public sealed partial class EvaluationJobGrain
{
    private readonly LeaseSizer _sizer = new(LeaseSizer.DefaultTarget);

    /// <summary>A fixed-size job leases one shard at a time; an auto job a run sized to the worker's measured device.</summary>
    private ActiveLease? NextLease(ShardScheduler scheduler, string worker)
    {
        var now = DateTime.UtcNow;
        if (_job.Spec is not { AutoShardSize: true } || _shards.Count == 0)
        {
            return scheduler.Lease(worker, now);
        }

        var shardImages = (double)_job.TotalImages / _shards.Count;
        // While the listing streams in, what is queued is not all there is: runs are sized by the device's speed alone.
        var shards = _sizer.ShardsFor(worker, shardImages, (long)(scheduler.Pending * shardImages), planningDone: _job.State != JobState.Planning);
        return scheduler.LeaseRun(worker, now, shards);
    }

    /// <summary>What a finished lease says about its worker's device (auto jobs only; counted whether or not the lease merged).</summary>
    private void RecordLeaseRate(ShardScheduler scheduler, ShardLease lease, string worker, long images, TimeSpan elapsed)
    {
        if (_job.Spec is { AutoShardSize: true } && lease.Range is null && !lease.Duplicate)
        {
            var lanes = 0;
            foreach (var held in scheduler.Leases)
            {
                lanes += held.Worker == worker ? 1 : 0;
            }

            _sizer.Record(worker, images, elapsed, Math.Max(1, lanes));
        }
    }

    public async Task<bool> CompleteRunAsync(ShardLease lease, IReadOnlyList<ShardResult> results)
    {
        if (lease.ShardCount != results.Count || lease.Range is not null)
        {
            throw new ArgumentException($"A run lease of {lease.ShardCount} shards from shard {lease.ShardId} came back with {results.Count} results{(lease.Range is null ? "" : " and an image range")}; a run has one result per shard.");
        }

        if (_job.State != JobState.Running || lease.JobId != JobId || _scheduler is not { } scheduler)
        {
            if (_scheduler is not null)
            {
                _scheduler.IgnoredCompletions += results.Count;
            }

            CountShard("ignored");
            return false;
        }

        foreach (var result in results)
        {
            CheckEvaluationsOf(result);
        }

        if (results.Count > 0)
        {
            RecordLeaseRate(scheduler, lease, results[0].Worker, results.Sum(r => r.Counts.Images + r.Counts.Failed),
                results.Max(r => r.FinishedUtc) - results.Min(r => r.StartedUtc));
        }

        var outcomes = scheduler.CompleteRun(lease.LeaseId, lease.ShardId, lease.ShardCount);
        var merged = false;
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (outcomes[i] != CompletionOutcome.Merged)
            {
                CountShard("ignored");
                continue;
            }

            var (shard, result) = (_shards[lease.ShardId + i], results[i]);
            MergeResult(result);
            shard.Failures = FailuresOf(result);
            shard.Timing = new ShardTiming(Name(result.Device), Name(result.Worker), (result.StartedUtc - _job.StartedUtc).TotalSeconds,
                (result.FinishedUtc - _job.StartedUtc).TotalSeconds, result.Counts.Images + result.Counts.Failed);
            CountShard("completed");
            merged = true;
        }

        if (!merged)
        {
            return false;
        }

        // Answered once durable, as a single shard's completion is.
        await AfterMergeAsync();
        return true;
    }
}
