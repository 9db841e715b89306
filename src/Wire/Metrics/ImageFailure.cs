namespace SENet.Evaluation.Metrics;

/// <summary>An image that could not be scored: which one, at which stage, and why.</summary>
public sealed record ImageFailure(string ImageId, string Stage, string Reason);
