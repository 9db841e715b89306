using System.Text.Json;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;

namespace SENet.Cluster.Tests;

/// <summary>
/// --shard-size auto on real workers: runs of shards leased whole and completed in one call count exactly what fixed
/// shards count, each shard once, with one predictions part per shard.
/// </summary>
public sealed class AutoShardSizeTests(SingleSiloFixture single) : IClassFixture<SingleSiloFixture>
{
    [Fact]
    public async Task AnAutoJobRunsShardsInRunsAndCountsExactlyAsFixedShardsDo()
    {
        var reference = await JobDriver.RunAsync(single.Grains, "auto-reference", single.Data.Spec("auto-reference", shardSize: 16));

        // Shards of one image: after its first lease the device's measured rate sizes runs of many.
        var auto = await JobDriver.RunAsync(single.Grains, "auto", single.Data.Spec("auto", shardSize: 1) with { AutoShardSize = true });

        JobDriver.AssertSameCounts(reference, auto);
        var output = Path.Combine(single.Data.Folder, "out", "auto");
        var logs = Directory.GetFiles(Path.Combine(output, "logs"), "shard-*.json").Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement).ToList();
        Assert.Equal((await single.Grains.GetGrain<IEvaluationJobGrain>("auto").GetStatusAsync()).ShardsTotal, logs.Count);
        Assert.Contains(logs, log => log.TryGetProperty("run", out var run) && !run.GetString()!.EndsWith("+1", StringComparison.Ordinal));
        // One part per shard, each image in exactly one.
        var rows = Directory.GetFiles(Path.Combine(output, "predictions"), "shard-*.csv").SelectMany(f => PredictionsJoiner.Records(File.ReadAllText(f)).Skip(1)).ToList();
        Assert.Equal(auto.Images, rows.Count);
        Assert.Equal(rows.Count, rows.Select(PredictionsJoiner.FirstField).Distinct().Count());
    }
}
