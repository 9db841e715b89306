namespace SENet.Grains.Jobs;

/// <summary>
/// One commit between two checkpoints of a job's record (<see cref="JobStateStore"/>): what changed since the write
/// before it, so its size follows the commit's changes, not the number of workers or leases in flight. Loading applies
/// the entries after the stored checkpoint, in order, while their <see cref="Seq"/>s follow on without a gap.
/// </summary>
[GenerateSerializer, Alias("senet.JobLogEntry")]
public sealed class JobLogEntry
{
    /// <summary>The commit's place in the job's sequence of writes: one more than the write before it.</summary>
    [Id(0)] public long Seq { get; set; }

    /// <summary>The job's log this entry belongs to (<see cref="JobRecord.LogId"/>): an entry left by an earlier job of the same id is never applied.</summary>
    [Id(1)] public Guid LogId { get; set; }

    /// <summary>
    /// The job's record as of this commit, except: <see cref="JobRecord.Overlay"/> holds the shard rows changed since the
    /// write before, <see cref="JobRecord.Leases"/> the leases handed out since, <see cref="JobRecord.Workers"/> the tallies
    /// changed since; the class names and failures are left out when unchanged (<see cref="ClassNamesKept"/>, <see cref="FailuresKept"/>).
    /// </summary>
    [Id(2)] public JobRecord Record { get; set; } = new();

    /// <summary>Leases in flight at the write before that are not any more (completed, expired, released, withdrawn).</summary>
    [Id(3)] public List<Guid> LeasesEnded { get; set; } = [];

    [Id(4)] public bool ClassNamesKept { get; set; }

    [Id(5)] public bool FailuresKept { get; set; }
}
