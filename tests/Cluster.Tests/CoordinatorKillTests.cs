using Orleans.TestingHost;
using SENet.Contracts.Jobs;
using SENet.Contracts.Workers;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;

namespace SENet.Cluster.Tests;

/// <summary>
/// The durability contract, at the edges of a group commit: a coordinator killed between a completion and its commit
/// (the completion was never acknowledged: it is not lost, the worker's retry counts it once), right after it (the
/// acknowledged completion survives and a repeat is ignored), and with leases in flight (its successor knows who held
/// them, and counts the death of their silos against the shards).
/// </summary>
public sealed class CoordinatorKillTests(SharedStorageCoordinatorFixture fixture) : IClassFixture<SharedStorageCoordinatorFixture>
{
    [Fact]
    public async Task ACoordinatorKilledBetweenACompletionAndItsCommitLosesNothingAndCountsItOnce()
    {
        var (job, jobId, victim, survivor) = await StartOnAKillableSiloAsync("uncommitted");
        var worker = WorkerKey.Format(survivor.SiloAddress.ToParsableString(), "cpu:0");
        var lease = (await job.LeaseAsync(worker)).Lease!;
        var result = await ResultAsync(lease, worker);
        // Planning commits in the background: the write held below must be the completion's own commit, not one of
        // planning's with the completion still in flight (a message not yet taken is forwarded to the successor).
        await WaitUntilPlannedAsync(job);

        fixture.JobStorage.HoldRecordWrites();
        Task<bool> completing;
        try
        {
            completing = job.CompleteAsync(lease, result);
            await fixture.JobStorage.WaitForHeldWriteAsync();
            Assert.False(completing.IsCompleted, "the completion was answered before its commit was written");
            await KillAsync(victim);
        }
        finally
        {
            fixture.JobStorage.DropHeldWrites();
        }

        // Never acknowledged: the worker sees the call fail, and the successor has not merged it.
        await Assert.ThrowsAnyAsync<Exception>(() => completing);
        var after = await job.GetStatusAsync();
        Assert.NotEqual(victim.SiloAddress.ToParsableString(), after.CoordinatorSilo);
        Assert.Equal((0, 0L), (after.ShardsDone, after.ImagesDone));

        // The worker's retry counts once; a repeat is ignored.
        Assert.True(await job.CompleteAsync(lease, result));
        Assert.False(await job.CompleteAsync(lease, result));
        await FinishAndCheckCountsAsync(job, jobId, worker);
    }

    [Fact]
    public async Task ACoordinatorKilledRightAfterACommitKeepsTheAcknowledgedCompletionAndNeverCountsItTwice()
    {
        var (job, jobId, victim, survivor) = await StartOnAKillableSiloAsync("committed");
        var worker = WorkerKey.Format(survivor.SiloAddress.ToParsableString(), "cpu:0");
        var lease = (await job.LeaseAsync(worker)).Lease!;
        var result = await ResultAsync(lease, worker);

        Assert.True(await job.CompleteAsync(lease, result));
        await KillAsync(victim);

        var after = await job.GetStatusAsync();
        Assert.NotEqual(victim.SiloAddress.ToParsableString(), after.CoordinatorSilo);
        Assert.Equal((1, (long)result.Counts.Images), (after.ShardsDone, after.ImagesDone));
        // The worker did not hear the answer and sends it again: ignored.
        Assert.False(await job.CompleteAsync(lease, result));
        Assert.Equal(1, (await job.GetStatusAsync()).ShardsDone);
        await FinishAndCheckCountsAsync(job, jobId, worker);
    }

    [Fact]
    public async Task ACoordinatorReactivatedFromStoredStateCountsTheDeathsOfItsLeasesHolders()
    {
        var (job, jobId, victim, survivor) = await StartOnAKillableSiloAsync("holders");
        // A worker on the coordinator's own silo holds a shard when that silo dies (as a poison image would kill it).
        var doomed = WorkerKey.Format(victim.SiloAddress.ToParsableString(), "cpu:0");
        var first = (await job.LeaseAsync(doomed)).Lease!;
        await KillAsync(victim);

        // The successor learns of that holder from stored state and counts its death: the shard is leasable again.
        var reclaimed = await JobDriver.WaitAsync(fixture.Grains, jobId, TimeSpan.FromSeconds(30), s => s.LeasesReclaimed >= 1);
        Assert.Equal(1, reclaimed.LeasesReclaimed);
        // A second holder of it dies too: two deaths quarantine the shard, which is then handed out by ranges.
        var second = (await job.LeaseAsync(doomed)).Lease!;
        Assert.Equal(first.ShardId, second.ShardId);
        await JobDriver.WaitAsync(fixture.Grains, jobId, TimeSpan.FromSeconds(30), s => s.LeasesReclaimed >= 2);
        var worker = WorkerKey.Format(survivor.SiloAddress.ToParsableString(), "cpu:0");
        var next = (await job.LeaseAsync(worker)).Lease!;
        Assert.Equal(first.ShardId, next.ShardId);
        Assert.NotNull(next.Range);
        await job.CancelAsync();
    }

    /// <summary>A job whose coordinator is not on the primary silo (which holds the test cluster's membership), and a silo to play workers on.</summary>
    private async Task<(IEvaluationJobGrain Job, string JobId, InProcessSiloHandle Victim, InProcessSiloHandle Survivor)> StartOnAKillableSiloAsync(string name)
    {
        while (fixture.Cluster.Silos.Count(s => s.IsActive) < 2)
        {
            await fixture.Cluster.StartAdditionalSiloAsync();
        }

        var primary = fixture.Cluster.Silos.First(s => s.IsActive);
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var jobId = attempt == 0 ? name : $"{name}-{attempt}";
            var job = fixture.Grains.GetGrain<IEvaluationJobGrain>(jobId);
            var started = await job.StartAsync(fixture.Data.Spec(jobId, shardSize: 10) with { LeaseTimeout = TimeSpan.FromMinutes(5), TailDuplicates = false });
            var coordinator = fixture.Cluster.Silos.Single(s => s.IsActive && s.SiloAddress.ToParsableString() == started.CoordinatorSilo);
            if (coordinator != primary)
            {
                return (job, jobId, coordinator, primary);
            }

            // A silo started after a kill takes coordinators once the others have fetched its metadata.
            await job.CancelAsync();
            await Task.Delay(500);
        }

        throw new InvalidOperationException("no job's coordinator was placed off the primary silo in 40 tries");
    }

    private static async Task WaitUntilPlannedAsync(IEvaluationJobGrain job)
    {
        for (var i = 0; i < 600 && (await job.GetStatusAsync()).State == JobState.Planning; i++)
        {
            await Task.Delay(50);
        }

        Assert.NotEqual(JobState.Planning, (await job.GetStatusAsync()).State);
    }

    private async Task KillAsync(InProcessSiloHandle victim)
    {
        await fixture.Cluster.KillSiloAsync(victim);
        await fixture.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);
    }

    private async Task FinishAndCheckCountsAsync(IEvaluationJobGrain job, string jobId, string worker)
    {
        while ((await job.LeaseAsync(worker)).Lease is { } lease)
        {
            Assert.True(await job.CompleteAsync(lease, await ResultAsync(lease, worker)));
        }

        var done = await job.GetStatusAsync();
        Assert.Equal(JobState.Completed, done.State);
        var report = await JobDriver.ReportAsync(fixture.Grains, jobId);
        // Every image once: the fake workers score each image right, so the counts are the dataset's.
        Assert.Equal((fixture.Data.Images, 0L), (report.Images, report.Failed));
        Assert.Equal(fixture.Data.Images, report.Top1Correct);
    }

    private async Task<ShardResult> ResultAsync(ShardLease lease, string worker)
    {
        var images = await ShardManifest.ReadAsync(new Evaluation.Storage.LocalOutputStore(Path.Combine(fixture.Data.Folder, "out", lease.JobId)), lease.ShardId, CancellationToken.None);
        var counts = new TopKCounts(5);
        foreach (var image in images)
        {
            counts.Add(image.Label, [image.Label, (image.Label + 1) % 5, (image.Label + 2) % 5, (image.Label + 3) % 5, (image.Label + 4) % 5]);
        }

        return new ShardResult(counts, [], worker, "cpu:0", DateTime.UtcNow, DateTime.UtcNow);
    }
}
