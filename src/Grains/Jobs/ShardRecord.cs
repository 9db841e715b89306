namespace SENet.Grains.Jobs;

/// <summary>One row of a job's durable shard table.</summary>
[GenerateSerializer, Alias("senet.ShardRecord")]
public sealed class ShardRecord
{
    [Id(0)] public int Id { get; set; }

    [Id(1)] public int Images { get; set; }

    [Id(2)] public bool Merged { get; set; }

    [Id(3)] public int Attempts { get; set; }
}
