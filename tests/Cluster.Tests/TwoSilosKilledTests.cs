using SENet.Contracts.Jobs;

namespace SENet.Cluster.Tests;

public sealed class TwoSilosKilledTests(DurableClusterFixture fixture) : IClassFixture<DurableClusterFixture>
{
    [Fact]
    public async Task TwoOfThreeSilosKilledOneAfterTheOtherTheJobCompletesOnTheLastWithExactCounts()
    {
        var reference = await JobDriver.RunAsync(fixture.Grains, "two-killed-reference", fixture.Data.Spec("two-killed-reference", shardSize: 20));
        var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("two-killed");
        await job.StartAsync(fixture.Data.Spec("two-killed", shardSize: 8) with { TailDuplicates = false });

        foreach (var (victim, doneBefore) in new[] { (fixture.Cluster.Silos[1], 1), (fixture.Cluster.Silos[2], 3) })
        {
            var before = await JobDriver.WaitAsync(fixture.Grains, "two-killed", TimeSpan.FromSeconds(60), s => s.ShardsDone >= doneBefore || s.IsFinished);
            Assert.False(before.IsFinished, "the job finished before the silos could be killed");
            await fixture.Cluster.KillSiloAsync(victim);
            await fixture.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);
        }

        var done = await JobDriver.WaitAsync(fixture.Grains, "two-killed", TimeSpan.FromSeconds(120));

        Assert.Equal(JobState.Completed, done.State);
        Assert.Equal(fixture.Cluster.Silos[0].SiloAddress.ToParsableString(), done.CoordinatorSilo);
        Assert.Equal(fixture.Data.Images, done.ImagesDone);
        JobDriver.AssertSameCounts(reference, await JobDriver.ReportAsync(fixture.Grains, "two-killed"));
    }
}
