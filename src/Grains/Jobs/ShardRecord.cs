using SENet.Evaluation.Metrics;

namespace SENet.Grains.Jobs;

/// <summary>One row of a job's durable shard table.</summary>
[GenerateSerializer, Alias("senet.ShardRecord")]
public sealed class ShardRecord
{
    [Id(0)] public int Id { get; set; }

    [Id(1)] public int Images { get; set; }

    [Id(2)] public bool Merged { get; set; }

    [Id(3)] public int Attempts { get; set; }

    /// <summary>The lease whose result was merged: its failures part is this shard's list of failed images.</summary>
    [Id(4)] public Guid? MergedLease { get; set; }

    [Id(5)] public int Failures { get; set; }

    /// <summary>How many silos died holding a lease of this shard. One makes it run without tail duplicates; two quarantine it.</summary>
    [Id(6)] public int HolderDeaths { get; set; }

    /// <summary>Set once the shard is quarantined: its ranges, run one at a time cluster-wide and bisected at each death.</summary>
    [Id(7)] public List<ProbeRange>? Probes { get; set; }

    /// <summary>When and where the merged lease ran: the shard's point of the report's throughput chart, stored with the shard so a completion never rewrites a job-wide timeline.</summary>
    [Id(8)] public ShardTiming? Timing { get; set; }

    /// <summary>The last lease whose holder's death was counted: a coordinator that restarts from stored state never counts the same death twice.</summary>
    [Id(9)] public Guid? LastDeadLease { get; set; }

    public bool Quarantined => Probes is not null;

    /// <summary>A copy that later changes to this row do not reach: what a commit writes is the table as it was when the commit began.</summary>
    public ShardRecord Clone()
    {
        var copy = (ShardRecord)MemberwiseClone();
        copy.Probes = Probes?.Select(p => new ProbeRange { Range = p.Range, Outcome = p.Outcome, MergedLease = p.MergedLease }).ToList();
        return copy;
    }
}
