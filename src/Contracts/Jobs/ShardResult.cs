using SENet.Evaluation.Metrics;

namespace SENet.Contracts.Jobs;

/// <summary>What a worker reports for a finished shard: mergeable counts, failures with reasons, and where and when it ran.</summary>
[GenerateSerializer, Immutable, Alias("senet.ShardResult")]
public sealed record ShardResult(
    [property: Id(0)] TopKCounts Counts,
    [property: Id(1)] IReadOnlyList<ImageFailure> Failures,
    [property: Id(2)] string Worker,
    [property: Id(3)] string Device,
    [property: Id(4)] DateTime StartedUtc,
    [property: Id(5)] DateTime FinishedUtc);
