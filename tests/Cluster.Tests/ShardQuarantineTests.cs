using SENet.Contracts.Jobs;
using SENet.Grains.Jobs;

namespace SENet.Cluster.Tests;

/// <summary>The quarantine's decisions, alone: when a shard is quarantined, how it is bisected, and what each range's fate is.</summary>
public sealed class ShardQuarantineTests
{
    [Fact]
    public void OneDeathIsNotEnoughTheSecondQuarantinesTheShardInHalves()
    {
        var shard = new ShardRecord { Id = 3, Images = 9 };

        Assert.False(ShardQuarantine.RecordHolderDeath(shard));
        Assert.False(shard.Quarantined);
        Assert.True(ShardQuarantine.RecordHolderDeath(shard));

        Assert.Equal([new ImageRange(0, 4), new ImageRange(4, 5)], shard.Probes!.Select(p => p.Range));
        Assert.False(ShardQuarantine.RecordHolderDeath(shard));
    }

    [Fact]
    public void BisectionFindsThePoisonImageAndEveryOtherImageIsMergedOnce()
    {
        // Simulates a cluster where image 6 of a 9-image shard kills whichever silo evaluates it.
        const int poison = 6;
        var shard = new ShardRecord { Id = 0, Images = 9 };
        ShardQuarantine.RecordHolderDeath(shard);
        ShardQuarantine.RecordHolderDeath(shard);
        var deaths = 0;
        var merged = new List<int>();
        while (ShardQuarantine.NextProbe([shard], probeRunning: false) is var (_, probe))
        {
            var range = probe.Range;
            if (poison >= range.Start && poison < range.Start + range.Count)
            {
                deaths++;
                var found = ShardQuarantine.RecordProbeDeath(shard, range);
                Assert.Equal(range.Count == 1, found is not null);
            }
            else
            {
                Assert.True(ShardQuarantine.MergeProbe(shard, range, Guid.NewGuid()));
                Assert.False(ShardQuarantine.MergeProbe(shard, range, Guid.NewGuid()));
                merged.AddRange(Enumerable.Range(range.Start, range.Count));
            }

            Assert.True(deaths <= 4, "bisection of 9 images needs at most ⌈log2 9⌉ = 4 deaths");
        }

        Assert.True(ShardQuarantine.IsSettled(shard));
        Assert.Equal([0, 1, 2, 3, 4, 5, 7, 8], merged.Order());
        Assert.Equal(new ImageRange(poison, 1), shard.Probes!.Single(p => p.Outcome == ProbeOutcome.Poison).Range);
        Assert.Equal(2 + deaths, shard.HolderDeaths);
    }

    [Fact]
    public void OnlyOneRangeRunsAtATimeAcrossTheCluster()
    {
        var shards = new[] { new ShardRecord { Id = 0, Images = 4 }, new ShardRecord { Id = 1, Images = 4 } };
        foreach (var shard in shards)
        {
            ShardQuarantine.RecordHolderDeath(shard);
            ShardQuarantine.RecordHolderDeath(shard);
        }

        Assert.Null(ShardQuarantine.NextProbe(shards, probeRunning: true));
        Assert.Equal((0, new ImageRange(0, 2)), ShardQuarantine.NextProbe(shards, probeRunning: false) is var (s, p) ? (s.Id, p.Range) : default);
    }
}
