using Orleans.TestingHost;
using SENet.Contracts.Jobs;
using SENet.Contracts.Workers;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;

namespace SENet.Cluster.Tests;

/// <summary>
/// A run lease (--shard-size auto) whose holder's silo dies mid-lease, with the coordinator on that silo: its successor
/// adopts the stored run, counts the death against each of its shards, and every shard is merged exactly once.
/// </summary>
public sealed class AutoShardSizeKillTests(SharedStorageCoordinatorFixture fixture) : IClassFixture<SharedStorageCoordinatorFixture>
{
    [Fact]
    public async Task ARunHeldOnAKilledSiloComesBackAndEveryShardMergesOnce()
    {
        var (job, jobId, victim, survivor) = await StartOnAKillableSiloAsync("auto-kill");
        var doomed = WorkerKey.Format(victim.SiloAddress.ToParsableString(), "cpu:0");

        // The first lease measures the device: one shard, done at 20 images/s.
        var first = (await job.LeaseAsync(doomed)).Lease!;
        Assert.Equal(1, first.ShardCount);
        var firstResult = await ResultAsync(first, first.ShardId, doomed);
        Assert.True(await job.CompleteAsync(first, firstResult));
        var run = (await job.LeaseAsync(doomed)).Lease!;
        Assert.True(run.ShardCount > 1, $"the second lease carried {run.ShardCount} shard(s)");

        await fixture.Cluster.KillSiloAsync(victim);
        await fixture.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);

        // The successor knows the run from stored state and takes it back when it sees its holder's silo dead.
        var reclaimed = await JobDriver.WaitAsync(fixture.Grains, jobId, TimeSpan.FromSeconds(30), s => s.LeasesReclaimed >= 1);
        Assert.Equal((1, 1), (reclaimed.LeasesReclaimed, reclaimed.ShardsDone));
        // The acknowledged first completion survived and does not count twice.
        Assert.False(await job.CompleteAsync(first, firstResult));

        var worker = WorkerKey.Format(survivor.SiloAddress.ToParsableString(), "cpu:0");
        var shardsOfTheRun = new List<int>();
        while ((await job.LeaseAsync(worker)).Lease is { } lease)
        {
            if (lease.ShardId >= run.ShardId && lease.ShardId < run.ShardId + run.ShardCount)
            {
                // The dead run's shards each counted a death, so each now goes alone.
                Assert.Equal(1, lease.ShardCount);
                shardsOfTheRun.Add(lease.ShardId);
            }

            var results = await Task.WhenAll(Enumerable.Range(lease.ShardId, lease.ShardCount).Select(id => ResultAsync(lease, id, worker)));
            Assert.True(lease.ShardCount == 1 ? await job.CompleteAsync(lease, results[0]) : await job.CompleteRunAsync(lease, results));
            // A repeat of the same completion changes nothing.
            Assert.False(lease.ShardCount == 1 ? await job.CompleteAsync(lease, results[0]) : await job.CompleteRunAsync(lease, results));
        }

        Assert.Equal(Enumerable.Range(run.ShardId, run.ShardCount), shardsOfTheRun.Order());
        var done = await job.GetStatusAsync();
        Assert.Equal(JobState.Completed, done.State);
        var report = await JobDriver.ReportAsync(fixture.Grains, jobId);
        // The fake workers score every image right: each image counted once is the dataset's counts.
        Assert.Equal((fixture.Data.Images, 0L, fixture.Data.Images), (report.Images, report.Failed, report.Top1Correct));
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
            var spec = fixture.Data.Spec(jobId, shardSize: 2) with { AutoShardSize = true, LeaseTimeout = TimeSpan.FromMinutes(5), TailDuplicates = false };
            var started = await job.StartAsync(spec);
            var coordinator = fixture.Cluster.Silos.Single(s => s.IsActive && s.SiloAddress.ToParsableString() == started.CoordinatorSilo);
            if (coordinator != primary)
            {
                return (job, jobId, coordinator, primary);
            }

            await job.CancelAsync();
            await Task.Delay(500);
        }

        throw new InvalidOperationException("no job's coordinator was placed off the primary silo in 40 tries");
    }

    /// <summary>Shard <paramref name="shardId"/> of <paramref name="lease"/> scored right, image by image, at 20 images/s.</summary>
    private async Task<ShardResult> ResultAsync(ShardLease lease, int shardId, string worker)
    {
        var images = await ShardManifest.ReadAsync(new Evaluation.Storage.LocalOutputStore(Path.Combine(fixture.Data.Folder, "out", lease.JobId)), shardId, CancellationToken.None);
        var counts = new TopKCounts(5);
        foreach (var image in images)
        {
            counts.Add(image.Label, [image.Label, (image.Label + 1) % 5, (image.Label + 2) % 5, (image.Label + 3) % 5, (image.Label + 4) % 5]);
        }

        var finished = DateTime.UtcNow;
        return new ShardResult(counts, [], worker, "cpu:0", finished - TimeSpan.FromSeconds(images.Count / 20.0), finished);
    }
}
