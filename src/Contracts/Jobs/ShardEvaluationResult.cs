using SENet.Evaluation.Metrics;

namespace SENet.Contracts.Jobs;

/// <summary>One model × view's share of a shard of a job that has several: its counts and its failed images (read and decode failures are every evaluation's).</summary>
[GenerateSerializer, Immutable, Alias("senet.ShardEvaluationResult")]
public sealed record ShardEvaluationResult(
    [property: Id(0)] TopKCounts Counts,
    [property: Id(1)] IReadOnlyList<ImageFailure> Failures);
