using System.Globalization;

namespace SENet.Evaluation.Metrics;

/// <summary>
/// The calibration figures of a report, from merged <see cref="CalibrationCounts"/>: expected and maximum calibration
/// error over 15 equal-width bins of the top-1 probability (Guo et al. 2017), mean negative log-likelihood of the true
/// class (nats) and mean Brier score over the whole probability vector (0 to 2). The sums are kept so that jobs can be
/// combined and compared exactly.
/// </summary>
public sealed record CalibrationSummary
{
    /// <summary>logits (softmax applied) or probabilities (used as they are).</summary>
    public required string Outputs { get; init; }

    /// <summary>declared (--outputs) or graph (auto: the output comes from a Softmax or not).</summary>
    public required string OutputsSource { get; init; }

    public int Bins { get; init; } = CalibrationCounts.Bins;

    /// <summary>Images in the figures: every scored image whose scores were all finite.</summary>
    public long Images { get; init; }

    /// <summary>Scored images left out because a score was NaN or infinite.</summary>
    public long Excluded { get; init; }

    public double Ece { get; init; }

    public double Mce { get; init; }

    public double Nll { get; init; }

    public double Brier { get; init; }

    public decimal NllSum { get; init; }

    public decimal BrierSum { get; init; }

    /// <summary>Rows whose raw outputs were already a probability distribution.</summary>
    public long DistributionRows { get; init; }

    public IReadOnlyList<ReliabilityBin> Reliability { get; init; } = [];

    /// <summary>Set when the outputs do not look like what they were taken for: what to pass instead.</summary>
    public string? Note { get; init; }

    public static CalibrationSummary From(CalibrationCounts counts, ModelOutputs outputs)
    {
        var images = counts.Images;
        var bins = Enumerable.Range(0, CalibrationCounts.Bins)
            .Select(b => new ReliabilityBin((double)b / CalibrationCounts.Bins, (double)(b + 1) / CalibrationCounts.Bins, counts.BinCounts[b], counts.BinConfidence[b], counts.BinCorrect[b]))
            .ToList();
        // In decimals, exactly as merged; only the final ratios become doubles.
        var gaps = bins.Where(b => b.Count > 0).Select(b => Math.Abs(b.Correct - b.ConfidenceSum)).ToList();
        var scored = images + counts.Excluded;
        return new CalibrationSummary
        {
            Outputs = outputs.Name,
            OutputsSource = outputs.Source,
            Images = images,
            Excluded = counts.Excluded,
            Ece = images == 0 ? double.NaN : (double)(gaps.Sum() / images),
            Mce = images == 0 ? double.NaN : bins.Where(b => b.Count > 0).Max(b => (double)(Math.Abs(b.Correct - b.ConfidenceSum) / b.Count)),
            Nll = images == 0 ? double.NaN : (double)(counts.NllSum / images),
            Brier = images == 0 ? double.NaN : (double)(counts.BrierSum / images),
            NllSum = counts.NllSum,
            BrierSum = counts.BrierSum,
            DistributionRows = counts.DistributionRows,
            Reliability = bins,
            Note = NoteFor(outputs, counts.DistributionRows, scored),
        };
    }

    private static string? NoteFor(ModelOutputs outputs, long distributionRows, long scored)
    {
        if (scored == 0)
        {
            return null;
        }

        if (outputs.Kind == OutputKind.Logits && distributionRows == scored)
        {
            return $"Every output row is already a probability distribution (values in 0..1 summing to 1), but the outputs were taken as logits ({outputs.Source}) and a softmax was applied. " +
                   "If the model outputs probabilities, evaluate again with --outputs probabilities.";
        }

        if (outputs.Kind == OutputKind.Probabilities && distributionRows < scored)
        {
            return $"{(scored - distributionRows).ToString("N0", CultureInfo.InvariantCulture)} of {scored.ToString("N0", CultureInfo.InvariantCulture)} output rows are not probability distributions (a value outside 0..1 or a sum off 1 by more than {CalibrationCounts.DistributionTolerance.ToString(CultureInfo.InvariantCulture)}), " +
                   $"but the outputs were taken as probabilities ({outputs.Source}). If the model outputs logits, evaluate again with --outputs logits.";
        }

        return null;
    }
}
