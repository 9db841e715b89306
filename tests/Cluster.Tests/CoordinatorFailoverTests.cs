using SENet.Contracts.Jobs;

namespace SENet.Cluster.Tests;

public sealed class CoordinatorFailoverTests(DurableClusterFixture fixture) : IClassFixture<DurableClusterFixture>
{
    [Fact]
    public async Task TheCoordinatorsSiloKilledMidJobTheJobResumesElsewhereFromStoredState()
    {
        var reference = await JobDriver.RunAsync(fixture.Grains, "failover-reference", fixture.Data.Spec("failover-reference", shardSize: 20));
        await fixture.WarmUpAsync();
        var primary = fixture.Cluster.Silos[0].SiloAddress.ToParsableString();
        // Every silo holds its reads until the coordinator's silo holds a lease, then the others' go: the job cannot
        // finish before the kill however fast this machine is, and the coordinator's silo dies mid-job with its lease.
        fixture.CloseAllGates();

        var jobId = "";
        JobStatus started = null!;
        JobStatus before;
        try
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                // A coordinator on the primary silo would take the test's membership table with it: pick a job placed elsewhere.
                var candidate = $"failover-{attempt}";
                started = await fixture.Grains.GetGrain<IEvaluationJobGrain>(candidate).StartAsync(fixture.Data.Spec(candidate, shardSize: 10) with { TailDuplicates = false });
                if (started.CoordinatorSilo != primary)
                {
                    jobId = candidate;
                    break;
                }

                await fixture.Grains.GetGrain<IEvaluationJobGrain>(candidate).CancelAsync();
            }

            Assert.NotEqual("", jobId);
            var coordinatorSilo = fixture.Cluster.Silos.Single(s => s.SiloAddress.ToParsableString() == started.CoordinatorSilo);
            await fixture.WaitUntilHoldingAsync(jobId, coordinatorSilo);
            fixture.OpenGatesExcept(coordinatorSilo);
            before = await JobDriver.WaitAsync(fixture.Grains, jobId, TimeSpan.FromSeconds(60), s => s.ShardsDone >= 2 || s.IsFinished);
            Assert.False(before.IsFinished, "the job finished before its coordinator could be killed");

            await fixture.Cluster.KillSiloAsync(coordinatorSilo);
            await fixture.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);
        }
        finally
        {
            fixture.OpenAllGates();
        }

        var done = await JobDriver.WaitAsync(fixture.Grains, jobId, TimeSpan.FromSeconds(120));

        Assert.Equal(JobState.Completed, done.State);
        Assert.NotEqual(started.CoordinatorSilo, done.CoordinatorSilo);
        Assert.True(done.ShardsDone == done.ShardsTotal);
        Assert.Equal(fixture.Data.Images, done.ImagesDone);
        JobDriver.AssertSameCounts(reference, await JobDriver.ReportAsync(fixture.Grains, jobId));
        // Shards merged before the kill were not run again: their processing logs still record a first attempt.
        var firstAttempts = Directory.GetFiles(Path.Combine(fixture.Data.Folder, "out", jobId, "logs"), "shard-*.json")
            .Count(f => System.Text.Json.JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("attempt").GetInt32() == 1);
        Assert.True(firstAttempts >= before.ShardsDone, $"{firstAttempts} shards on a first attempt, {before.ShardsDone} were merged before the kill");
    }
}
