using SENet.Grains.Jobs;

namespace SENet.Cluster.Tests;

/// <summary>Runs of shards leased whole (--shard-size auto): each shard still merges exactly once by its own id.</summary>
public sealed class ShardSchedulerRunTests
{
    private const string A = "127.0.0.1:1@1|cpu:0";
    private const string B = "127.0.0.1:2@1|cpu:0";
    private static readonly DateTime T0 = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static (ShardScheduler Scheduler, List<ShardRecord> Shards) Create(int shards, bool duplicates = false, IEnumerable<LeaseHolder>? held = null, List<ShardRecord>? table = null)
    {
        table ??= [.. Enumerable.Range(0, shards).Select(i => new ShardRecord { Id = i, Images = 10 })];
        var scheduler = new ShardScheduler(table, Timeout, duplicates, _ => { });
        scheduler.Start(held ?? [], T0);
        return (scheduler, table);
    }

    [Fact]
    public void ARunCarriesConsecutiveQueuedShardsAndMergesEachOnce()
    {
        var (scheduler, shards) = Create(10);

        var run = scheduler.LeaseRun(A, T0, 4)!;
        var next = scheduler.LeaseRun(B, T0, 100)!;

        Assert.Equal((0, 4), (run.ShardId, run.ShardCount));
        Assert.Equal((4, 6), (next.ShardId, next.ShardCount));
        Assert.Null(scheduler.LeaseRun(A, T0, 4));
        Assert.Equal(10, scheduler.ShardsLeased);
        Assert.Equal(0, scheduler.Pending);

        Assert.Equal(Enumerable.Repeat(CompletionOutcome.Merged, 4), scheduler.CompleteRun(run.LeaseId, 0, 4));
        // The same run again (a retry after a lost answer, a late copy): nothing counts twice.
        Assert.Equal(Enumerable.Repeat(CompletionOutcome.Ignored, 4), scheduler.CompleteRun(run.LeaseId, 0, 4));
        Assert.Equal(4, scheduler.Merged);
        Assert.True(shards.Take(4).All(s => s.Merged && s.MergedLease == run.LeaseId && s.Attempts == 1));
        Assert.Equal(4, scheduler.IgnoredCompletions);
    }

    [Fact]
    public void AnExpiredRunGoesBackInOrderAndItsLateCompletionMergesOnlyWhatNobodyMerged()
    {
        var (scheduler, shards) = Create(6);
        var run = scheduler.LeaseRun(A, T0, 6)!;

        var reclaimed = scheduler.Reclaim(T0 + TimeSpan.FromSeconds(31), _ => false);
        Assert.Single(reclaimed);
        Assert.Equal(6, scheduler.Pending);
        Assert.Equal(6, scheduler.ShardsRetried);

        // The shards come back in ascending order, as runs again.
        var first = scheduler.LeaseRun(B, T0 + TimeSpan.FromSeconds(31), 2)!;
        var second = scheduler.LeaseRun(B, T0 + TimeSpan.FromSeconds(31), 2)!;
        Assert.Equal([(0, 2), (2, 2)], new[] { (first.ShardId, first.ShardCount), (second.ShardId, second.ShardCount) });
        Assert.Equal(Enumerable.Repeat(CompletionOutcome.Merged, 2), scheduler.CompleteRun(first.LeaseId, 0, 2));

        // The expired run's holder finishes after all: shards 0 and 1 are merged already, 2–5 are not.
        Assert.Equal([CompletionOutcome.Ignored, CompletionOutcome.Ignored, CompletionOutcome.Merged, CompletionOutcome.Merged, CompletionOutcome.Merged, CompletionOutcome.Merged],
            scheduler.CompleteRun(run.LeaseId, 0, 6));
        Assert.True(scheduler.AllMerged);
        Assert.Equal([first.LeaseId, first.LeaseId, run.LeaseId, run.LeaseId, run.LeaseId, run.LeaseId], shards.Select(s => s.MergedLease!.Value));

        // The re-leased run over 2–3 finishes last: ignored, and its lease is gone.
        Assert.Equal(Enumerable.Repeat(CompletionOutcome.Ignored, 2), scheduler.CompleteRun(second.LeaseId, 2, 2));
        Assert.Empty(scheduler.Leases);
    }

    [Fact]
    public void ARunStopsAtAGapAndAtAShardWhoseHolderDied()
    {
        var (scheduler, shards) = Create(8);
        var single = scheduler.Lease(A, T0)!;
        Assert.Equal(0, single.ShardId);
        shards[5].HolderDeaths = 1;

        var run = scheduler.LeaseRun(B, T0, 10)!;
        Assert.Equal((1, 4), (run.ShardId, run.ShardCount));
        // A shard whose holder died goes alone.
        var alone = scheduler.LeaseRun(B, T0, 10)!;
        Assert.Equal((5, 1), (alone.ShardId, alone.ShardCount));
        var rest = scheduler.LeaseRun(B, T0, 10)!;
        Assert.Equal((6, 2), (rest.ShardId, rest.ShardCount));

        // A merged shard in the middle of the queue ends the run before it.
        var (other, table) = Create(6);
        other.Settle(table[3]);
        var cut = other.LeaseRun(A, T0, 10)!;
        Assert.Equal((0, 3), (cut.ShardId, cut.ShardCount));
        var after = other.LeaseRun(A, T0, 10)!;
        Assert.Equal((4, 2), (after.ShardId, after.ShardCount));
    }

    [Fact]
    public void ARunWhoseSiloDiedCountsOneDeathPerShardQuarantinesNoneAndItsShardsGoAlone()
    {
        var (scheduler, shards) = Create(4);
        var run = scheduler.LeaseRun(A, T0, 4)!;

        var reclaimed = scheduler.Reclaim(T0, worker => worker == A);

        Assert.True(reclaimed.Single().SiloGone);
        Assert.All(shards, s => Assert.Equal((1, false, run.LeaseId), (s.HolderDeaths, s.Quarantined, s.LastDeadLease)));
        Assert.Equal(4, scheduler.Pending);
        // Each shard now goes alone, so a second death names its shard and quarantines only that one.
        var again = scheduler.LeaseRun(B, T0, 4)!;
        Assert.Equal((0, 1), (again.ShardId, again.ShardCount));
        scheduler.Reclaim(T0, worker => worker == B);
        Assert.True(shards[0].Quarantined);
        Assert.False(shards[1].Quarantined);
    }

    [Fact]
    public void AReleasedRunAndAStoppedWorkersRunGoBackWhole()
    {
        var (scheduler, _) = Create(6);
        var released = scheduler.LeaseRun(A, T0, 3)!;
        var stopped = scheduler.LeaseRun(B, T0, 3)!;

        Assert.NotNull(scheduler.Release(released.LeaseId));
        scheduler.WorkerStopped(B);

        Assert.Equal(6, scheduler.Pending);
        Assert.Equal(0, scheduler.ShardsLeased);
        // Last back, first out: each run comes back whole, in ascending order.
        var first = scheduler.LeaseRun(A, T0, 6)!;
        var second = scheduler.LeaseRun(A, T0, 6)!;
        Assert.Equal([(3, 3), (0, 3)], new[] { (first.ShardId, first.ShardCount), (second.ShardId, second.ShardCount) });
        Assert.False(scheduler.Renew(stopped.LeaseId, 1, T0));
    }

    [Fact]
    public void AReactivatedCoordinatorAdoptsAStoredRunAndCountsItsHoldersDeath()
    {
        var (first, shards) = Create(5);
        var run = first.LeaseRun(A, T0, 3)!;
        first.CompleteRun(Guid.NewGuid(), 0, 1);
        var holders = first.Holders();
        Assert.Equal(3, holders.Single().ShardCount);

        // The successor loads the same table and the stored holders: the run's unmerged shards are held, not queued.
        var (successor, _) = Create(0, held: holders, table: shards);
        Assert.Equal(2, successor.Pending);
        var queued = successor.LeaseRun(B, T0, 10)!;
        Assert.Equal((3, 2), (queued.ShardId, queued.ShardCount));
        successor.Reclaim(T0, worker => worker == A);
        Assert.Equal([0, 1, 1, 0, 0], shards.Select(s => s.HolderDeaths));
        Assert.Equal(2, successor.Pending);
        Assert.Equal(run.LeaseId, shards[1].LastDeadLease);
    }

    [Fact]
    public void AShardOfARunMergedByAnotherLeaseLeavesTheRunRunning()
    {
        var (scheduler, shards) = Create(3, duplicates: true);
        var run = scheduler.LeaseRun(A, T0, 3)!;
        // An idle worker at the tail duplicates the whole run.
        var duplicate = scheduler.LeaseRun(B, T0 + TimeSpan.FromSeconds(2), 3)!;
        Assert.True(duplicate.Duplicate);
        Assert.Equal((0, 3), (duplicate.ShardId, duplicate.ShardCount));

        Assert.Equal(Enumerable.Repeat(CompletionOutcome.Merged, 3), scheduler.CompleteRun(duplicate.LeaseId, 0, 3));
        Assert.Equal(Enumerable.Repeat(CompletionOutcome.Ignored, 3), scheduler.CompleteRun(run.LeaseId, 0, 3));
        Assert.True(shards.All(s => s.MergedLease == duplicate.LeaseId));
        Assert.Equal(3, scheduler.Merged);
    }
}
