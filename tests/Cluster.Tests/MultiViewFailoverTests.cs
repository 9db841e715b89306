using System.Text.Json;
using SENet.Contracts.Jobs;

namespace SENet.Cluster.Tests;

/// <summary>Two models × two views, runs of shards (--shard-size auto) in one pass each, a silo killed mid-job.</summary>
public sealed class MultiViewFailoverTests(MultiModelClusterFixture fixture) : IClassFixture<MultiModelClusterFixture>
{
    [Fact]
    public async Task TwoModelsByTwoViewsInRunsWithASiloKilledMidJobEqualTheirSingleModelJobs()
    {
        var views = MultiModelJobs.TwoViews;
        // Shards of 4 images: after a device's first lease, its measured rate sizes runs of several.
        JobSpec Spec(string jobId) => fixture.Data.Spec(jobId, shardSize: 4) with
        {
            Models = fixture.TwoModels,
            View = views[0],
            Views = views,
            AutoShardSize = true,
            JoinPredictions = true,
            TailDuplicates = false,
        };

        var (jobId, done) = await MultiModelJobs.RunWithASiloKilledAsync(fixture, "two-by-two", Spec);

        Assert.Equal(fixture.Data.Images, done.ImagesDone);
        var logs = Directory.GetFiles(Path.Combine(Spec(jobId).OutputFolder!, "logs"), "shard-*.json").Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement).ToList();
        Assert.Contains(logs, log => log.TryGetProperty("run", out var run) && !run.GetString()!.EndsWith("+1", StringComparison.Ordinal));
        await MultiModelJobs.AssertEachEqualsItsSingleModelJobAsync(fixture, jobId, Spec(jobId));
    }
}
