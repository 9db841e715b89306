using MathNet.Numerics.Distributions;

namespace SENet.Evaluation.Metrics;

/// <summary>
/// Wilson score intervals (Wilson 1927) for a binomial rate, from integer counts only: the same counts give the same
/// interval however a job was sharded. Unlike the normal approximation it stays inside 0–100 % and behaves at 0 and n.
/// </summary>
public static class WilsonInterval
{
    public const double DefaultLevel = ConfidenceLevels.Default;

    /// <summary>The interval of <paramref name="successes"/> out of <paramref name="trials"/> at <paramref name="level"/>, in percent; 0–100 when there were no trials.</summary>
    public static PercentInterval Percent(long successes, long trials, double level = DefaultLevel)
    {
        if (!IsValidLevel(level))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, LevelRule);
        }

        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        if (trials == 0)
        {
            return new PercentInterval(0, 100);
        }

        var z = Z(level);
        var n = (double)trials;
        var p = successes / n;
        var z2n = z * z / n;
        var centre = (p + z2n / 2) / (1 + z2n);
        var half = z / (1 + z2n) * Math.Sqrt(p * (1 - p) / n + z * z / (4 * n * n));
        // At 0 and n the exact bound is 0 or 1; rounding must not push it past that.
        var low = successes == 0 ? 0 : Math.Max(0, centre - half);
        var high = successes == trials ? 1 : Math.Min(1, centre + half);
        return new PercentInterval(100 * low, 100 * high);
    }

    /// <summary>The two-sided standard normal quantile of a confidence level (1.959964 for 0.95).</summary>
    public static double Z(double level) => Normal.InvCDF(0, 1, 1 - (1 - level) / 2);

    public const string LevelRule = ConfidenceLevels.Rule;

    public static bool IsValidLevel(double level) => ConfidenceLevels.IsValid(level);
}
