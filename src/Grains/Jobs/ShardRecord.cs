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

    public bool Quarantined => Probes is not null;
}
