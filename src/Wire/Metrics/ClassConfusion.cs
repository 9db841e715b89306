namespace SENet.Evaluation.Metrics;

/// <summary>How often images of class <paramref name="Label"/> were predicted (top-1) as <paramref name="Predicted"/>.</summary>
public sealed record ClassConfusion(int Label, int Predicted, long Count);
