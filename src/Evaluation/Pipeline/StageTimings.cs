namespace SENet.Evaluation.Pipeline;

/// <summary>Time spent in each stage, summed over its workers: where an evaluation's cores went.</summary>
public sealed record StageTimings(TimeSpan Read, TimeSpan Decode, TimeSpan Preprocess, TimeSpan Inference, long Batches);
