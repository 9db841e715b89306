using SENet.Contracts.Jobs;

namespace SENet.Grains.Jobs;

/// <summary>A lease the coordinator has handed out and not yet seen completed, expired or withdrawn.</summary>
public sealed class ActiveLease(Guid leaseId, int shardId, string worker, bool duplicate, DateTime leasedUtc, DateTime deadlineUtc, ImageRange? range = null, int shardCount = 1)
{
    /// <summary>Shards <see cref="ShardId"/> … <see cref="ShardId"/> + <see cref="ShardCount"/> − 1: more than one for a run leased whole (--shard-size auto).</summary>
    public int ShardCount { get; } = shardCount;

    /// <summary>The ids of the shards this lease covers.</summary>
    public IEnumerable<int> ShardIds => Enumerable.Range(ShardId, ShardCount);

    /// <summary>The range of a quarantined shard this lease covers; null for a whole shard.</summary>
    public ImageRange? Range { get; } = range;

    public Guid LeaseId { get; } = leaseId;

    public int ShardId { get; } = shardId;

    public string Worker { get; } = worker;

    public bool Duplicate { get; } = duplicate;

    public DateTime LeasedUtc { get; } = leasedUtc;

    public DateTime DeadlineUtc { get; set; } = deadlineUtc;

    public long ImagesDone { get; set; }
}
