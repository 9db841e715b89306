using SENet.Contracts.Jobs;

namespace SENet.Grains.Jobs;

/// <summary>
/// Poison-shard quarantine, as plain decisions over a job's shard table (no Orleans): a shard whose holding silo died
/// twice is taken out of circulation and bisected, one range at a time across the whole cluster, down to the image
/// that kills its holder. That image fails alone; every other image of the shard is scored.
/// </summary>
public static class ShardQuarantine
{
    /// <summary>Deaths of a shard's holders that quarantine it: one may be a coincidence, two are not.</summary>
    public const int DeathsToQuarantine = 2;

    /// <summary>Counts a death of a silo that held the whole shard; true when this death quarantines it.</summary>
    public static bool RecordHolderDeath(ShardRecord shard)
    {
        shard.HolderDeaths++;
        if (shard.Merged || shard.Quarantined || shard.HolderDeaths < DeathsToQuarantine)
        {
            return false;
        }

        // The whole shard is known to kill: start from its halves.
        shard.Probes = [.. Split(new ImageRange(0, shard.Images))];
        return true;
    }

    /// <summary>The next range to run, or null while one is running anywhere: ranges run one at a time, so each death names one range.</summary>
    public static (ShardRecord Shard, ProbeRange Probe)? NextProbe(IEnumerable<ShardRecord> shards, bool probeRunning)
    {
        if (probeRunning)
        {
            return null;
        }

        foreach (var shard in shards)
        {
            if (shard is { Merged: false, Probes: { } probes } && probes.FirstOrDefault(p => p.Outcome == ProbeOutcome.Pending) is { } probe)
            {
                return (shard, probe);
            }
        }

        return null;
    }

    /// <summary>
    /// The silo running <paramref name="range"/> died: a range of several images is split in two, a single image is
    /// poison. Returns the poison range, or null.
    /// </summary>
    public static ProbeRange? RecordProbeDeath(ShardRecord shard, ImageRange range)
    {
        shard.HolderDeaths++;
        var probes = shard.Probes ?? throw new InvalidOperationException($"shard {shard.Id} is not quarantined");
        var index = probes.FindIndex(p => p.Range == range && p.Outcome == ProbeOutcome.Pending);
        if (index < 0)
        {
            return null;
        }

        if (range.Count == 1)
        {
            probes[index].Outcome = ProbeOutcome.Poison;
            return probes[index];
        }

        probes.RemoveAt(index);
        probes.InsertRange(index, Split(range));
        return null;
    }

    /// <summary>Merges a range's result once; false for a range already settled (a late or repeated completion).</summary>
    public static bool MergeProbe(ShardRecord shard, ImageRange range, Guid lease)
    {
        var probe = shard.Probes?.FirstOrDefault(p => p.Range == range && p.Outcome == ProbeOutcome.Pending);
        if (probe is null)
        {
            return false;
        }

        probe.Outcome = ProbeOutcome.Merged;
        probe.MergedLease = lease;
        return true;
    }

    /// <summary>The failure of an image that killed its holder: its shard's death count at the time, and why it failed alone.</summary>
    public static SENet.Evaluation.Metrics.ImageFailure PoisonFailure(string image, int shardDeaths) =>
        new(image, "quarantine", $"killed the silo evaluating it ({shardDeaths} silos died holding its shard); the shard was quarantined and bisected, and this image failed alone so that the rest could be scored");

    /// <summary>Every range merged or failed as poison: the shard is done.</summary>
    public static bool IsSettled(ShardRecord shard) => shard.Probes is { } probes && probes.All(p => p.Outcome != ProbeOutcome.Pending);

    private static IEnumerable<ProbeRange> Split(ImageRange range)
    {
        if (range.Count <= 1)
        {
            yield return new ProbeRange { Range = range };
            yield break;
        }

        var half = range.Count / 2;
        yield return new ProbeRange { Range = new ImageRange(range.Start, half) };
        yield return new ProbeRange { Range = new ImageRange(range.Start + half, range.Count - half) };
    }
}
