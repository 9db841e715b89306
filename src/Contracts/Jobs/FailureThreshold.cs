using System.Globalization;

namespace SENet.Contracts.Jobs;

/// <summary>How many failed images a job tolerates: a count (<c>100</c>) or a share (<c>5%</c>); past it the job fails.</summary>
[GenerateSerializer, Immutable, Alias("senet.FailureThreshold")]
public sealed record FailureThreshold([property: Id(0)] long? Count, [property: Id(1)] double? Percent)
{
    public static FailureThreshold None { get; } = new(null, null);

    public bool IsExceeded(long failed, long total) =>
        (Count is { } count && failed > count) || (Percent is { } percent && total > 0 && 100.0 * failed / total > percent);

    public static FailureThreshold Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return None;
        }

        var value = text.Trim();
        if (value.EndsWith('%') && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) && percent is >= 0 and <= 100)
        {
            return new FailureThreshold(null, percent);
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return new FailureThreshold(count, null);
        }

        throw new FormatException($"'{text}' is no failure threshold: use a count (e.g. 100) or a percentage (e.g. 5%).");
    }

    public override string ToString() => Count is { } c ? c.ToString(CultureInfo.InvariantCulture) : Percent is { } p ? $"{p.ToString(CultureInfo.InvariantCulture)}%" : "none";
}
