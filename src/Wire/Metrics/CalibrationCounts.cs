namespace SENet.Evaluation.Metrics;

/// <summary>
/// Mergeable sums for calibration (Guo et al. 2017): per equal-width bin of the top-1 probability, the images, how many
/// were right and the sum of their confidence; and over all images the negative log-likelihood of the true class and
/// the Brier score of the whole probability vector. Each image's figures are rounded to <see cref="Decimals"/> places
/// and summed as decimals, which is exact: shards merge in any order and grouping to the same sums, so a 1-shard and a
/// 7-shard job report identical figures. No second pass over the images is ever needed.
/// </summary>
public sealed class CalibrationCounts
{
    public const int Bins = 15;

    /// <summary>Places each image's figures keep: sums of up to 10^16 units stay exact in a decimal's 28 digits.</summary>
    public const int Decimals = 12;

    /// <summary>
    /// Declared probabilities are clipped to at least float32's machine epsilon (2^-23) before the log, as
    /// scikit-learn's log_loss does, so a true class given probability 0 costs 15.9 nats rather than infinity.
    /// </summary>
    public const double ProbabilityFloor = 1.0 / (1 << 23);

    /// <summary>One image's NLL is capped here so that no logit, however extreme, can overflow the exact sums.</summary>
    public const double MaxNll = 1e6;

    /// <summary>How far a row's sum may be from 1 and still count as a probability distribution.</summary>
    public const double DistributionTolerance = 1e-3;

    public long[] BinCounts { get; } = new long[Bins];

    public long[] BinCorrect { get; } = new long[Bins];

    public decimal[] BinConfidence { get; } = new decimal[Bins];

    public decimal NllSum { get; private set; }

    public decimal BrierSum { get; private set; }

    /// <summary>Rows left out of calibration because a score was NaN or infinite (they are still ranked and counted).</summary>
    public long Excluded { get; private set; }

    /// <summary>Rows whose raw outputs already form a probability distribution (values in 0..1 summing to 1): evidence for the report's note on --outputs.</summary>
    public long DistributionRows { get; private set; }

    public long Images => BinCounts.Sum();

    public static CalibrationCounts Restore(long[]? binCounts, long[]? binCorrect, decimal[]? binConfidence, decimal nllSum, decimal brierSum, long excluded, long distributionRows)
    {
        var counts = new CalibrationCounts { NllSum = nllSum, BrierSum = brierSum, Excluded = excluded, DistributionRows = distributionRows };
        // Counts stored before calibration existed have no bins: they restore as empty.
        binCounts?.CopyTo(counts.BinCounts, 0);
        binCorrect?.CopyTo(counts.BinCorrect, 0);
        binConfidence?.CopyTo(counts.BinConfidence, 0);
        return counts;
    }

    /// <summary>The bin of a top-1 probability: bin m holds ((m−1)/15, m/15], bin 0 also holds 0.</summary>
    public static int BinOf(double confidence) => Math.Clamp((int)Math.Ceiling(confidence * Bins) - 1, 0, Bins - 1);

    /// <summary>Adds one scored image: <paramref name="top1"/> is the class ranked first by <see cref="TopKRanking"/>.</summary>
    /// <param name="rawRowsAreDistribution">Whether the model's own rows were probability distributions, when <paramref name="scores"/> is not the model's row (ten crops averaged, a class subset masked); null reads it off <paramref name="scores"/>.</param>
    public void Add(ReadOnlySpan<float> scores, int label, int top1, OutputKind outputs, bool? rawRowsAreDistribution = null)
    {
        var distribution = rawRowsAreDistribution ?? IsDistribution(scores);
        if (distribution)
        {
            DistributionRows++;
        }

        foreach (var s in scores)
        {
            if (!float.IsFinite(s))
            {
                Excluded++;
                return;
            }
        }

        double confidence, nll, brier;
        if (outputs == OutputKind.Probabilities)
        {
            confidence = Math.Clamp(scores[top1], 0.0, 1.0);
            nll = -Math.Log(Math.Clamp(scores[label], ProbabilityFloor, 1.0));
            brier = 0;
            for (var c = 0; c < scores.Length; c++)
            {
                var d = scores[c] - (c == label ? 1.0 : 0.0);
                brier += d * d;
            }
        }
        else
        {
            // Softmax through the largest score: exp never overflows, and log-softmax of the true class is exact
            // even where its probability underflows to 0.
            double max = scores[top1], sum = 0, sumOfSquares = 0;
            foreach (var s in scores)
            {
                var e = Math.Exp(s - max);
                sum += e;
                sumOfSquares += e * e;
            }

            var trueShifted = scores[label] - max;
            var trueProbability = Math.Exp(trueShifted) / sum;
            confidence = 1 / sum;
            nll = Math.Log(sum) - trueShifted;
            // Σ_c (p_c − y_c)² = Σ p_c² − 2 p_y + 1; rounding can take a perfect row a hair below 0.
            brier = Math.Max(0, sumOfSquares / (sum * sum) - 2 * trueProbability + 1);
        }

        var bin = BinOf(confidence);
        BinCounts[bin]++;
        if (top1 == label)
        {
            BinCorrect[bin]++;
        }

        BinConfidence[bin] += Fixed(confidence);
        NllSum += Fixed(Math.Min(nll, MaxNll));
        BrierSum += Fixed(brier);
    }

    public void Merge(CalibrationCounts other)
    {
        for (var b = 0; b < Bins; b++)
        {
            BinCounts[b] += other.BinCounts[b];
            BinCorrect[b] += other.BinCorrect[b];
            BinConfidence[b] += other.BinConfidence[b];
        }

        NllSum += other.NllSum;
        BrierSum += other.BrierSum;
        Excluded += other.Excluded;
        DistributionRows += other.DistributionRows;
    }

    public bool CountsEqual(CalibrationCounts other) =>
        BinCounts.SequenceEqual(other.BinCounts) && BinCorrect.SequenceEqual(other.BinCorrect) && BinConfidence.SequenceEqual(other.BinConfidence)
        && NllSum == other.NllSum && BrierSum == other.BrierSum && Excluded == other.Excluded && DistributionRows == other.DistributionRows;

    /// <summary>Whether a row's raw outputs are already a probability distribution: every value in 0..1, summing to 1 within <see cref="DistributionTolerance"/>.</summary>
    public static bool IsDistribution(ReadOnlySpan<float> scores)
    {
        double sum = 0;
        foreach (var s in scores)
        {
            if (!(s is >= 0 and <= 1))
            {
                return false;
            }

            sum += s;
        }

        return Math.Abs(sum - 1) <= DistributionTolerance;
    }

    /// <summary>One image's figure as an exact decimal of <see cref="Decimals"/> places: sums of these never round.</summary>
    private static decimal Fixed(double value) => Math.Round((decimal)value, Decimals, MidpointRounding.ToEven);
}
