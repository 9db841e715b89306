using SENet.Evaluation.Metrics;

namespace SENet.Contracts.Jobs;

/// <summary>What a worker reports for a finished shard: mergeable counts, failures with reasons, where and when it ran, and how it decoded and inferred.</summary>
[GenerateSerializer, Immutable, Alias("senet.ShardResult")]
public sealed record ShardResult(
    [property: Id(0)] TopKCounts Counts,
    [property: Id(1)] IReadOnlyList<ImageFailure> Failures,
    [property: Id(2)] string Worker,
    [property: Id(3)] string Device,
    [property: Id(4)] DateTime StartedUtc,
    [property: Id(5)] DateTime FinishedUtc)
{
    /// <summary>Images decoded, keyed "format: decoder" (the reproducibility record's decoders). A high id, clear of others' additions.</summary>
    [Id(50)] public IReadOnlyDictionary<string, long>? Decoded { get; init; }

    /// <summary>The worker's execution provider and its settings, in one line.</summary>
    [Id(51)] public string? ExecutionProvider { get; init; }

    /// <summary>
    /// A job of several models or views: every evaluation's counts and failures, in <see cref="JobEvaluations.Of"/> order
    /// (<see cref="Counts"/> and <see cref="Failures"/> are the first's); empty for a job of one evaluation.
    /// </summary>
    [Id(52)] public IReadOnlyList<ShardEvaluationResult> Evaluations { get; init; } = [];
}
