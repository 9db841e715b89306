using SENet.Evaluation.Metrics;

namespace SENet.Evaluation.Pipeline;

/// <summary>Exact counts of the images a pipeline ran, the failures with their reasons, and where the time went.</summary>
public sealed record EvaluationResult(TopKCounts Counts, IReadOnlyList<ImageFailure> Failures, TimeSpan Duration, StageTimings Timings);
