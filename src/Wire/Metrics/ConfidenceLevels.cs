namespace SENet.Evaluation.Metrics;

/// <summary>
/// The levels an interval may be computed at: what the CLI and the coordinator accept for <c>--confidence-level</c>,
/// here rather than beside <see cref="WilsonInterval"/>'s arithmetic so that the contracts can check a spec without the engine.
/// </summary>
public static class ConfidenceLevels
{
    public const double Default = 0.95;

    public const string Rule = "a confidence level above 0 and below 1 (0.95: 95 % intervals)";

    public static bool IsValid(double level) => double.IsFinite(level) && level > 0 && level < 1;
}
