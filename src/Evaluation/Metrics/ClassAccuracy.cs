namespace SENet.Evaluation.Metrics;

/// <summary>One class's share of the evaluation.</summary>
public sealed record ClassAccuracy(int ClassIndex, string Name, long Images, long Top1Correct, long Top5Correct)
{
    public double Top1Accuracy => Images == 0 ? 0 : 100.0 * Top1Correct / Images;

    public double Top5Accuracy => Images == 0 ? 0 : 100.0 * Top5Correct / Images;
}
