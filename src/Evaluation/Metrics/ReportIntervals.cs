namespace SENet.Evaluation.Metrics;

/// <summary>Confidence intervals of the headline rates, in percent, computed from the report's integer counts.</summary>
public sealed record ReportIntervals
{
    public double Level { get; init; } = WilsonInterval.DefaultLevel;

    public string Method { get; init; } = "wilson";

    public required PercentInterval Top1Accuracy { get; init; }

    public required PercentInterval Top5Accuracy { get; init; }

    public required PercentInterval Top1Error { get; init; }

    public required PercentInterval Top5Error { get; init; }

    public static ReportIntervals From(long images, long top1Correct, long top5Correct, double level)
    {
        var top1 = WilsonInterval.Percent(top1Correct, images, level);
        var top5 = WilsonInterval.Percent(top5Correct, images, level);
        return new ReportIntervals { Level = level, Top1Accuracy = top1, Top5Accuracy = top5, Top1Error = top1.Complement(), Top5Error = top5.Complement() };
    }
}
