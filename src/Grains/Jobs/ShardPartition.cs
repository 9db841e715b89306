namespace SENet.Grains.Jobs;

/// <summary>
/// One stored slice of a job's shard table (<see cref="JobStateStore.PartitionSize"/> consecutive shards). Written when
/// the rows changed since it was last written outgrow the job record's overlay, so a completion never rewrites the table.
/// </summary>
[GenerateSerializer, Alias("senet.ShardPartition")]
public sealed class ShardPartition
{
    [Id(0)] public List<ShardRecord> Shards { get; set; } = [];
}
