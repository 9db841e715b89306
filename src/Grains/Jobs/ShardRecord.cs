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
}
