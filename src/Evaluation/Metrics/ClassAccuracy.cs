namespace SENet.Evaluation.Metrics;

/// <summary>One class's share of the evaluation, with Wilson intervals of its accuracies (percent, at the report's level).</summary>
public sealed record ClassAccuracy(int ClassIndex, string Name, long Images, long Top1Correct, long Top5Correct)
{
    public double Top1Accuracy => Images == 0 ? 0 : 100.0 * Top1Correct / Images;

    public double Top5Accuracy => Images == 0 ? 0 : 100.0 * Top5Correct / Images;

    /// <summary>Lower bound of the top-1 accuracy's interval.</summary>
    public double AccuracyLow { get; init; }

    /// <summary>Upper bound of the top-1 accuracy's interval.</summary>
    public double AccuracyHigh { get; init; }

    public double Top5AccuracyLow { get; init; }

    public double Top5AccuracyHigh { get; init; }

    /// <summary>The class's counts with their intervals at <paramref name="level"/>.</summary>
    public static ClassAccuracy WithIntervals(int classIndex, string name, long images, long top1Correct, long top5Correct, double level)
    {
        var top1 = WilsonInterval.Percent(top1Correct, images, level);
        var top5 = WilsonInterval.Percent(top5Correct, images, level);
        return new ClassAccuracy(classIndex, name, images, top1Correct, top5Correct)
        {
            AccuracyLow = top1.Low,
            AccuracyHigh = top1.High,
            Top5AccuracyLow = top5.Low,
            Top5AccuracyHigh = top5.High,
        };
    }
}
