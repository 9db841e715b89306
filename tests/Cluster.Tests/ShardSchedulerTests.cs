using SENet.Contracts.Jobs;
using SENet.Grains.Jobs;

namespace SENet.Cluster.Tests;

/// <summary>The coordinator's leasing decisions alone (no Orleans): queue, requeues, tail duplicates, deaths, restarts.</summary>
public sealed class ShardSchedulerTests
{
    private const string A = "127.0.0.1:1@1|cpu:0";
    private const string B = "127.0.0.1:2@1|cpu:0";
    private static readonly DateTime T0 = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static (ShardScheduler Scheduler, List<ShardRecord> Shards, List<int> Changed) Create(int shards, bool duplicates = true, IEnumerable<LeaseHolder>? held = null, List<ShardRecord>? table = null)
    {
        table ??= [.. Enumerable.Range(0, shards).Select(i => new ShardRecord { Id = i, Images = 10 })];
        var changed = new List<int>();
        var scheduler = new ShardScheduler(table, Timeout, duplicates, changed.Add);
        scheduler.Start(held ?? [], T0);
        return (scheduler, table, changed);
    }

    [Fact]
    public void ShardsAreLeasedInOrderAndEachMergesOnceByShardId()
    {
        var (scheduler, shards, changed) = Create(3, duplicates: false);

        var leases = Enumerable.Range(0, 3).Select(_ => scheduler.Lease(A, T0)!).ToList();
        Assert.Equal([0, 1, 2], leases.Select(l => l.ShardId));
        Assert.Null(scheduler.Lease(B, T0));
        Assert.Equal(CompletionOutcome.Merged, scheduler.Complete(leases[1].LeaseId, 1, null));
        Assert.Equal(CompletionOutcome.Ignored, scheduler.Complete(leases[1].LeaseId, 1, null));
        // A completion by shard id counts even without a known lease (one issued before a restart).
        Assert.Equal(CompletionOutcome.Merged, scheduler.Complete(Guid.NewGuid(), 0, null));
        Assert.Equal(CompletionOutcome.Ignored, scheduler.Complete(Guid.NewGuid(), 7, null));

        Assert.Equal((2, 1, false, 2), (scheduler.Merged, scheduler.ShardsLeased, scheduler.AllMerged, scheduler.IgnoredCompletions));
        Assert.Equal(CompletionOutcome.Merged, scheduler.Complete(leases[2].LeaseId, 2, null));
        Assert.True(scheduler.AllMerged);
        Assert.True(shards.All(s => s.Merged && s.Attempts == 1));
        Assert.Equal(leases[1].LeaseId, shards[1].MergedLease);
        Assert.Contains(1, changed);
    }

    [Fact]
    public void AReleasedOrExpiredLeaseGoesToTheFrontOfTheQueue()
    {
        var (scheduler, shards, _) = Create(4, duplicates: false);
        var first = scheduler.Lease(A, T0)!;
        var second = scheduler.Lease(A, T0)!;

        Assert.NotNull(scheduler.Release(first.LeaseId));
        Assert.Equal(0, scheduler.Lease(B, T0)!.ShardId);
        Assert.True(scheduler.Renew(second.LeaseId, 5, T0 + TimeSpan.FromSeconds(20)));
        Assert.Equal(5, scheduler.ImagesInFlight());

        var reclaimed = scheduler.Reclaim(T0 + TimeSpan.FromSeconds(45), _ => false);
        Assert.Single(reclaimed, r => r.Lease.ShardId == 0 && !r.SiloGone);
        Assert.Equal(0, scheduler.Lease(B, T0 + TimeSpan.FromSeconds(45))!.ShardId);
        Assert.Equal(3, shards[0].Attempts);
        Assert.Equal(2, scheduler.ShardsRetried);
        Assert.False(scheduler.Renew(first.LeaseId, 1, T0));
    }

    [Fact]
    public void AtTheTailAnIdleWorkerDuplicatesTheOldestShardOfAnotherWorkerOnce()
    {
        var (scheduler, _, _) = Create(2);
        var oldest = scheduler.Lease(A, T0)!;
        scheduler.Lease(A, T0 + TimeSpan.FromSeconds(1));

        Assert.Null(scheduler.Lease(B, T0 + TimeSpan.FromMilliseconds(500)));
        Assert.Null(scheduler.Lease(A, T0 + TimeSpan.FromSeconds(5)));
        var duplicate = scheduler.Lease(B, T0 + TimeSpan.FromSeconds(5))!;
        Assert.True(duplicate.Duplicate);
        Assert.Equal(oldest.ShardId, duplicate.ShardId);
        Assert.Equal(1, scheduler.Lease(B, T0 + TimeSpan.FromSeconds(5))!.ShardId);
        Assert.Null(scheduler.Lease(B, T0 + TimeSpan.FromSeconds(9)));

        // The first completion wins and withdraws the other lease of its shard.
        Assert.Equal(CompletionOutcome.Merged, scheduler.Complete(duplicate.LeaseId, duplicate.ShardId, null));
        Assert.False(scheduler.Renew(oldest.LeaseId, 1, T0));
        Assert.Equal(CompletionOutcome.Ignored, scheduler.Complete(oldest.LeaseId, oldest.ShardId, null));
        Assert.Equal(2, scheduler.DuplicateLeases);
    }

    [Fact]
    public void TwoHolderDeathsQuarantineAShardWhichThenRunsOneRangeAtATime()
    {
        var (scheduler, shards, _) = Create(2, duplicates: true);
        var dead = new HashSet<string>();

        var first = scheduler.Lease(A, T0)!;
        dead.Add(A);
        Assert.Equal(DeathOutcome.None, Assert.Single(scheduler.Reclaim(T0, dead.Contains)).Outcome);
        Assert.Equal(1, shards[first.ShardId].HolderDeaths);
        // Once its holder died, a shard is never duplicated at the tail.
        var again = scheduler.Lease(B, T0)!;
        Assert.Equal(first.ShardId, again.ShardId);
        var other = scheduler.Lease(B, T0)!;
        Assert.Equal(CompletionOutcome.Merged, scheduler.Complete(other.LeaseId, other.ShardId, null));
        Assert.Null(scheduler.Lease("127.0.0.1:3@1|cpu:0", T0 + TimeSpan.FromSeconds(10)));

        dead.Add(B);
        Assert.Equal(DeathOutcome.Quarantined, Assert.Single(scheduler.Reclaim(T0, dead.Contains)).Outcome);
        var range = scheduler.Lease("127.0.0.1:3@1|cpu:0", T0)!;
        Assert.Equal(new ImageRange(0, 5), range.Range);
        Assert.Null(scheduler.Lease("127.0.0.1:4@1|cpu:0", T0));
        Assert.Equal(CompletionOutcome.Ignored, scheduler.Complete(again.LeaseId, again.ShardId, null));
        Assert.Equal(CompletionOutcome.RangeMerged, scheduler.Complete(range.LeaseId, range.ShardId, range.Range));
        Assert.Equal(new ImageRange(5, 5), scheduler.Lease("127.0.0.1:4@1|cpu:0", T0)!.Range);
    }

    [Fact]
    public void ARestartedSchedulerAdoptsStoredLeasesAndCountsTheirHoldersDeathsOnce()
    {
        var (before, shards, _) = Create(3);
        var lease = before.Lease(A, T0)!;
        var stored = before.Holders();

        // A new coordinator from stored state: the held shard is not queued again, and its holder's death counts.
        var (after, _, _) = Create(3, held: stored, table: shards);
        Assert.Equal(2, after.Pending);
        Assert.Equal([1, 2], [after.Lease(B, T0)!.ShardId, after.Lease(B, T0)!.ShardId]);
        Assert.True(after.Renew(lease.LeaseId, 3, T0));
        Assert.Equal(DeathOutcome.None, Assert.Single(after.Reclaim(T0, w => w == A)).Outcome);
        Assert.Equal(1, shards[lease.ShardId].HolderDeaths);

        // Stored again before that death was written, then restarted: the same lease's death is not counted twice.
        var (third, _, _) = Create(3, held: stored, table: shards);
        third.Reclaim(T0, w => w == A);
        Assert.Equal(1, shards[lease.ShardId].HolderDeaths);
        Assert.Equal(lease.ShardId, third.Lease(B, T0)!.ShardId);
    }

    [Fact]
    public void AStoppedWorkersLeasesGoBackAndAClearedSchedulerLeasesNothing()
    {
        var (scheduler, _, _) = Create(3, duplicates: false);
        scheduler.Lease(A, T0);
        scheduler.Lease(B, T0);
        scheduler.WorkerStopped(A);
        Assert.Equal(0, scheduler.Lease(B, T0)!.ShardId);
        Assert.Equal([B], scheduler.Clear());
        Assert.Null(scheduler.Lease(A, T0));
        Assert.Equal(0, scheduler.ShardsLeased);
    }
}
