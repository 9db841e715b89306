using SENet.Contracts.Jobs;

namespace SENet.Cluster.Tests;

/// <summary>Two models, one view, one pass per shard (fixed shard size), a silo killed mid-job.</summary>
public sealed class MultiModelFailoverTests(MultiModelClusterFixture fixture) : IClassFixture<MultiModelClusterFixture>
{
    [Fact]
    public async Task TwoModelsWithASiloKilledMidJobEqualTheirSingleModelJobs()
    {
        JobSpec Spec(string jobId) => fixture.Data.Spec(jobId, shardSize: 8) with { Models = fixture.TwoModels, JoinPredictions = true, TailDuplicates = false };

        var (jobId, done) = await MultiModelJobs.RunWithASiloKilledAsync(fixture, "two-models", Spec);

        Assert.Equal(fixture.Data.Images, done.ImagesDone);
        await MultiModelJobs.AssertEachEqualsItsSingleModelJobAsync(fixture, jobId, Spec(jobId));
    }
}
