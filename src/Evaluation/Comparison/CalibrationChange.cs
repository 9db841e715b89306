namespace SENet.Evaluation.Comparison;

/// <summary>One calibration figure of A's and B's reports and B − A; null where a report does not record it.</summary>
public sealed record CalibrationChange(string Measure, double? A, double? B)
{
    public double? Difference => A is { } a && B is { } b ? b - a : null;
}
