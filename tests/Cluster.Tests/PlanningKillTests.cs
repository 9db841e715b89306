using SENet.Contracts.Jobs;
using SENet.Contracts.Workers;

namespace SENet.Cluster.Tests;

/// <summary>
/// A coordinator killed while it plans: its successor restarts planning from the stored shards (listed again and checked,
/// not added twice), keeps the completion it acknowledged, and the job ends with every image counted exactly once.
/// </summary>
public sealed class PlanningKillTests(SharedStorageCoordinatorFixture fixture) : IClassFixture<SharedStorageCoordinatorFixture>
{
    private const int Classes = 5;

    [Fact]
    public async Task ACoordinatorKilledWhilePlanningIsSucceededAndTheJobCountsEveryImageOnce()
    {
        while (fixture.Cluster.Silos.Count(s => s.IsActive) < 2)
        {
            await fixture.Cluster.StartAdditionalSiloAsync();
        }

        var primary = fixture.Cluster.Silos.First(s => s.IsActive);
        var worker = WorkerKey.Format(primary.SiloAddress.ToParsableString(), "cpu:0");
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var jobId = $"planning-killed-{attempt}-{Guid.NewGuid():N}";
            var spec = fixture.Data.Spec(jobId, shardSize: 10) with { DataPath = PlanningDriver.CopyData(fixture.Data, "killed"), LeaseTimeout = TimeSpan.FromMinutes(5), TailDuplicates = false };
            var fault = ListingFaults.Set(spec.DataPath, new ListingFault(HoldAfter: 25));
            var job = fixture.Grains.GetGrain<IEvaluationJobGrain>(jobId);
            try
            {
                var started = await job.StartAsync(spec);
                var victim = fixture.Cluster.Silos.Single(s => s.IsActive && s.SiloAddress.ToParsableString() == started.CoordinatorSilo);
                if (victim == primary)
                {
                    // The test cluster's membership lives on the primary: a coordinator there is not one to kill.
                    await job.CancelAsync();
                    await Task.Delay(500);
                    continue;
                }

                await JobDriver.WaitAsync(fixture.Grains, jobId, TimeSpan.FromSeconds(30), s => s.ShardsTotal >= 2);
                var lease = (await job.LeaseAsync(worker)).Lease!;
                Assert.True(await job.CompleteAsync(lease, await PlanningDriver.ResultAsync(spec.OutputFolder!, lease, worker, Classes)));
                var beforeKill = await job.GetStatusAsync();
                Assert.Equal((JobState.Planning, 2, 1), (beforeKill.State, beforeKill.ShardsTotal, beforeKill.ShardsDone));

                await fixture.Cluster.KillSiloAsync(victim);
                await fixture.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);

                // The successor holds the stored shards and the acknowledged completion, and plans again.
                var after = await job.GetStatusAsync();
                Assert.NotEqual(victim.SiloAddress.ToParsableString(), after.CoordinatorSilo);
                Assert.Equal((JobState.Planning, 1, 10L), (after.State, after.ShardsDone, after.ImagesScored));
                Assert.True(after.ShardsTotal >= 2);
                // The acknowledged shard is repeated by its worker, who never heard the answer: ignored.
                Assert.False(await job.CompleteAsync(lease, await PlanningDriver.ResultAsync(spec.OutputFolder!, lease, worker, Classes)));
                fault.Release();

                var done = await PlanningDriver.RunToEndAsync(fixture.Grains, jobId, spec.OutputFolder!, worker, Classes);
                Assert.Equal((JobState.Completed, 7, (long)fixture.Data.Images), (done.State, done.ShardsTotal, done.ImagesTotal));
                var report = await JobDriver.ReportAsync(fixture.Grains, jobId);
                // Every image once: the fake worker scores each right, so the counts are the dataset's.
                Assert.Equal((fixture.Data.Images, 0L, fixture.Data.Images), (report.Images, report.Failed, report.Top1Correct));
                return;
            }
            finally
            {
                fault.Release();
                ListingFaults.Clear(spec.DataPath);
            }
        }

        throw new InvalidOperationException("no job's coordinator was placed off the primary silo in 40 tries");
    }
}
