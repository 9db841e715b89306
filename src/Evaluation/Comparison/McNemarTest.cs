namespace SENet.Evaluation.Comparison;

/// <summary>
/// McNemar's exact test for two classifiers scored on the same images: under the null hypothesis each discordant image
/// (right under one, wrong under the other) is equally likely to go either way, so the count one way is
/// Binomial(discordant, 1/2). The two-sided p-value doubles the smaller tail (capped at 1).
/// </summary>
public static class McNemarTest
{
    /// <param name="onlyFirstRight">Images the first model got right and the second wrong.</param>
    /// <param name="onlySecondRight">Images the second model got right and the first wrong.</param>
    public static double ExactTwoSidedP(long onlyFirstRight, long onlySecondRight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(onlyFirstRight);
        ArgumentOutOfRangeException.ThrowIfNegative(onlySecondRight);
        var discordant = onlyFirstRight + onlySecondRight;
        var smaller = Math.Min(onlyFirstRight, onlySecondRight);
        if (discordant == 0 || 2 * smaller == discordant)
        {
            return 1.0;
        }

        // Terms C(m, i) for i = 0..k grow with i (k < m/2): summed relative to the last, the largest, in log space, so a
        // million discordant images neither underflow nor overflow.
        var logLast = 0.0;
        for (long i = 0; i < smaller; i++)
        {
            logLast += Math.Log(discordant - i) - Math.Log(i + 1);
        }

        double sum = 0, logTerm = 0;
        for (var i = smaller; i >= 0; i--)
        {
            sum += Math.Exp(logTerm);
            if (i > 0)
            {
                // C(m, i-1) = C(m, i) * i / (m - i + 1)
                logTerm += Math.Log(i) - Math.Log(discordant - i + 1);
                if (logTerm < -745)
                {
                    break;
                }
            }
        }

        var tail = Math.Exp(logLast - discordant * Math.Log(2) + Math.Log(sum));
        return Math.Min(1.0, 2 * tail);
    }
}
