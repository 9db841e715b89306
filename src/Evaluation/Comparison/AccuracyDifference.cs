using System.Text.Json.Serialization;

namespace SENet.Evaluation.Comparison;

/// <summary>
/// One accuracy (top-1 or top-5) of A and B on the same images, B − A in percentage points with its paired bootstrap
/// interval, and McNemar's exact test on the discordant images.
/// </summary>
/// <param name="OnlyARight">Images A got right and B wrong (B's losses).</param>
/// <param name="OnlyBRight">Images B got right and A wrong (B's gains).</param>
public sealed record AccuracyDifference(
    string Measure,
    long Images,
    long ACorrect,
    long BCorrect,
    long OnlyARight,
    long OnlyBRight,
    double A,
    double B,
    double Difference,
    double Low,
    double High,
    [property: JsonPropertyName("mcnemar_p")] double McNemarP)
{
    /// <summary>Whether the interval excludes 0 (then McNemar's p is small too, up to how they treat the edges).</summary>
    public bool IntervalExcludesZero => Low > 0 || High < 0;
}
