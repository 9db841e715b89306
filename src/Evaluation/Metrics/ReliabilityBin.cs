namespace SENet.Evaluation.Metrics;

/// <summary>One bin of the reliability diagram: top-1 probabilities in (<paramref name="Low"/>, <paramref name="High"/>], how many images, their summed confidence, and how many were right.</summary>
public sealed record ReliabilityBin(double Low, double High, long Count, decimal ConfidenceSum, long Correct)
{
    public double Accuracy => Count == 0 ? double.NaN : (double)Correct / Count;

    public double Confidence => Count == 0 ? double.NaN : (double)(ConfidenceSum / Count);
}
