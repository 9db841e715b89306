namespace SENet.Evaluation.Comparison;

/// <summary>
/// The percentile interval of a paired bootstrap over images for the difference of two accuracies (second minus first)
/// on the same images, with a fixed seed so that the same inputs always give the same interval.
/// </summary>
/// <remarks>
/// Drawing n images with replacement and counting how many are right only under the first model, right only under the
/// second, or the same under both is exactly a multinomial draw over those three counts; the difference depends on
/// nothing else. So each resample is two binomial draws instead of n image draws: the same distribution at a cost that
/// does not grow with the dataset.
/// </remarks>
public static class PairedBootstrap
{
    public const int DefaultResamples = 10_000;

    public const int DefaultSeed = 20_170_905;

    /// <summary>The interval of (second − first) accuracy, as a fraction, at <paramref name="level"/> (e.g. 0.95).</summary>
    /// <param name="images">Images both models scored.</param>
    /// <param name="onlyFirstRight">Images right under the first model only.</param>
    /// <param name="onlySecondRight">Images right under the second model only.</param>
    public static (double Low, double High) DifferenceInterval(long images, long onlyFirstRight, long onlySecondRight, double level = 0.95,
        int resamples = DefaultResamples, int seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(images, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(onlyFirstRight);
        ArgumentOutOfRangeException.ThrowIfNegative(onlySecondRight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(onlyFirstRight + onlySecondRight, images);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 2);
        if (level is <= 0 or >= 1 || double.IsNaN(level))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The confidence level must lie between 0 and 1 (e.g. 0.95).");
        }

        // System.Random with a seed runs one fixed algorithm on every platform and .NET version.
        var random = new Random(seed);
        var firstShare = (double)onlyFirstRight / images;
        var secondShareOfRest = onlyFirstRight == images ? 0 : (double)onlySecondRight / (images - onlyFirstRight);
        var differences = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            var first = Binomial(random, images, firstShare);
            var second = Binomial(random, images - first, secondShareOfRest);
            differences[r] = (double)(second - first) / images;
        }

        Array.Sort(differences);
        var tail = (1 - level) / 2;
        // Nearest rank: the k-th smallest with k = ceil(tail * B), and symmetrically from the top.
        var lowRank = Math.Max(1, (int)Math.Ceiling(tail * resamples - 1e-9));
        return (differences[lowRank - 1], differences[resamples - lowRank]);
    }

    /// <summary>
    /// Binomial(n, p) by counting geometric waiting times between successes (Devroye's second waiting-time method): exact,
    /// and costs about n·min(p, 1−p) draws, small for the discordant share of two similar models.
    /// </summary>
    internal static long Binomial(Random random, long trials, double probability)
    {
        if (trials == 0 || probability <= 0)
        {
            return 0;
        }

        if (probability >= 1)
        {
            return trials;
        }

        if (probability > 0.5)
        {
            return trials - Binomial(random, trials, 1 - probability);
        }

        var logFailure = Math.Log(1 - probability);
        long position = 0, successes = 0;
        while (true)
        {
            // 1 - NextDouble() lies in (0, 1]: its logarithm is finite.
            position += (long)Math.Floor(Math.Log(1 - random.NextDouble()) / logFailure) + 1;
            if (position > trials)
            {
                return successes;
            }

            successes++;
        }
    }
}
