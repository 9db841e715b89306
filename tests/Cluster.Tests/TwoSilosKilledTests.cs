using SENet.Contracts.Jobs;

namespace SENet.Cluster.Tests;

public sealed class TwoSilosKilledTests(DurableClusterFixture fixture) : IClassFixture<DurableClusterFixture>
{
    [Fact]
    public async Task TwoOfThreeSilosKilledOneAfterTheOtherTheJobCompletesOnTheLastWithExactCounts()
    {
        var reference = await JobDriver.RunAsync(fixture.Grains, "two-killed-reference", fixture.Data.Spec("two-killed-reference", shardSize: 20));
        await fixture.WarmUpAsync();
        // Every silo holds its reads until both victims hold a lease, then the survivor's go: the job cannot finish
        // before either kill however fast this machine is, and each victim dies mid-job with its lease.
        var (survivor, first, second) = (fixture.Cluster.Silos[0], fixture.Cluster.Silos[1], fixture.Cluster.Silos[2]);
        fixture.CloseAllGates();
        try
        {
            var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("two-killed");
            await job.StartAsync(fixture.Data.Spec("two-killed", shardSize: 8) with { TailDuplicates = false });
            await fixture.WaitUntilHoldingAsync("two-killed", first, second);
            ClusterFixture.GateOf(survivor).Open();

            foreach (var (victim, doneBefore) in new[] { (first, 1), (second, 3) })
            {
                var before = await JobDriver.WaitAsync(fixture.Grains, "two-killed", TimeSpan.FromSeconds(60), s => s.ShardsDone >= doneBefore || s.IsFinished);
                Assert.False(before.IsFinished, $"the job finished ({before.State}: {before.Error}) while {victim.SiloAddress} held a lease");
                await fixture.Cluster.KillSiloAsync(victim);
                await fixture.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);
            }
        }
        finally
        {
            fixture.OpenAllGates();
        }

        var done = await JobDriver.WaitAsync(fixture.Grains, "two-killed", TimeSpan.FromSeconds(120));

        Assert.Equal(JobState.Completed, done.State);
        Assert.Equal(fixture.Cluster.Silos[0].SiloAddress.ToParsableString(), done.CoordinatorSilo);
        Assert.Equal(fixture.Data.Images, done.ImagesDone);
        JobDriver.AssertSameCounts(reference, await JobDriver.ReportAsync(fixture.Grains, "two-killed"));
    }
}
