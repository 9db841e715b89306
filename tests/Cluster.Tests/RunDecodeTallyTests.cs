using SENet.Evaluation.Metrics;
using SENet.Evaluation.Pipeline;
using SENet.Grains.Workers;

namespace SENet.Cluster.Tests;

/// <summary>A run's decoder tally shared out among its shards: the shards' tallies add up to the run's, each shard's share its decoded images where it can be told.</summary>
public sealed class RunDecodeTallyTests
{
    private static EvaluationResult Result(long scored, params string[] failedStages)
    {
        var counts = TopKCounts.Restore(2, scored, 0, 0, failedStages.Length, new long[2], new long[2], new long[2], []);
        return new EvaluationResult(counts, [.. failedStages.Select((s, i) => new ImageFailure($"f{i}", s, "bad"))], TimeSpan.Zero, new StageTimings(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, 0));
    }

    [Fact]
    public void OneDecoderForOneFormatGivesEachShardItsDecodedImages()
    {
        // Shard 1's preprocess failure was decoded; shard 2's decode and read failures were not.
        var results = new[] { Result(10), Result(7, "preprocess"), Result(3, "decode", "read") };

        var split = ShardRunner.SplitDecoded(new Dictionary<string, long> { ["jpeg: libjpeg-turbo"] = 21 }, results);

        Assert.Equal([10L, 8L, 3L], split.Select(s => s["jpeg: libjpeg-turbo"]));
    }

    [Fact]
    public void SeveralKeysAddUpPerKeyAndPerShard()
    {
        var results = new[] { Result(1), Result(1), Result(1) };

        var split = ShardRunner.SplitDecoded(new Dictionary<string, long> { ["png: Skia"] = 1, ["jpeg: libjpeg-turbo"] = 2 }, results);

        Assert.Equal(2, split.Sum(s => s.GetValueOrDefault("jpeg: libjpeg-turbo")));
        Assert.Equal(1, split.Sum(s => s.GetValueOrDefault("png: Skia")));
        Assert.All(split, s => Assert.Equal(1, s.Values.Sum()));
    }
}
