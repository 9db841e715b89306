namespace SENet.Contracts.Jobs;

/// <summary>Where a job stands: state, images and shards done, throughput, ETA, and each worker's figures.</summary>
[GenerateSerializer, Immutable, Alias("senet.JobStatus")]
public sealed record JobStatus
{
    [Id(0)] public required string JobId { get; init; }

    [Id(1)] public JobState State { get; init; }

    [Id(2)] public long ImagesScored { get; init; }

    [Id(3)] public long ImagesFailed { get; init; }

    [Id(4)] public long ImagesTotal { get; init; }

    [Id(5)] public int ShardsTotal { get; init; }

    [Id(6)] public int ShardsDone { get; init; }

    [Id(7)] public int ShardsLeased { get; init; }

    [Id(8)] public int ShardsRetried { get; init; }

    [Id(9)] public int DuplicateLeases { get; init; }

    [Id(10)] public int IgnoredCompletions { get; init; }

    [Id(11)] public double ImagesPerSecond { get; init; }

    [Id(12)] public TimeSpan? Eta { get; init; }

    [Id(13)] public TimeSpan Elapsed { get; init; }

    [Id(14)] public IReadOnlyList<WorkerFigures> Workers { get; init; } = [];

    [Id(15)] public string? Error { get; init; }

    [Id(16)] public string? CoordinatorSilo { get; init; }

    [Id(17)] public string? Name { get; init; }

    /// <summary>Leases taken back because they expired or their worker's silo died.</summary>
    [Id(18)] public int LeasesReclaimed { get; init; }

    public long ImagesDone => ImagesScored + ImagesFailed;

    public bool IsFinished => State is JobState.Completed or JobState.Cancelled or JobState.Failed;

    /// <summary>Running, or still planning (workers already score the shards planned so far).</summary>
    public bool IsActive => State is JobState.Running or JobState.Planning;
}
