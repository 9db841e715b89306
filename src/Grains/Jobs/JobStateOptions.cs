namespace SENet.Grains.Jobs;

/// <summary>
/// How a coordinator stores its job: the shard table in partitions of <see cref="ShardsPerPartition"/> rows, written
/// together once <see cref="OverlayLimit"/> changed rows ride in the job record. Each commit then writes the record
/// (its size set by workers and classes) and, every <see cref="OverlayLimit"/> changed rows, the partitions holding
/// them: the bytes written per completion do not grow with the number of shards.
/// </summary>
public sealed class JobStateOptions
{
    /// <summary>Configuration section (<c>SENet:JobState:ShardsPerPartition</c>, <c>OverlayLimit</c>, <c>LogSlots</c>, <c>CommitInterval</c>).</summary>
    public const string Section = "SENet:JobState";

    public int ShardsPerPartition { get; set; } = JobStateStore.DefaultPartitionSize;

    public int OverlayLimit { get; set; } = JobStateStore.DefaultOverlayLimit;

    /// <summary>
    /// Commits between two checkpoints of the job's record: each is a log entry of what changed since the write before
    /// (its own slot of the job's storage), and every this many a checkpoint writes the whole record. A coordinator that
    /// restarts reads this many slots.
    /// </summary>
    public int LogSlots { get; set; } = JobStateStore.DefaultLogSlots;

    /// <summary>
    /// The longest a commit waits after the one before it (<see cref="GroupCommit"/>): under load the next write starts
    /// twice the last write's duration after it ended, at most this, so changes made meanwhile share it. Cheap writes
    /// leave gaps too short to notice; a commit after a quiet spell is written at once.
    /// </summary>
    public TimeSpan CommitInterval { get; set; } = DefaultCommitInterval;

    public static readonly TimeSpan DefaultCommitInterval = TimeSpan.FromMilliseconds(25);
}
