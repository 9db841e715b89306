using System.Globalization;
using SENet.Evaluation.Metrics;

namespace SENet.Contracts.Jobs;

/// <summary>
/// The values a job's settings can take: the CLI refuses the others while parsing, and the coordinator refuses a spec
/// that holds one (a client may call it directly) before any work, naming the option.
/// </summary>
public static class JobSpecRules
{
    public const string CropPct = "a number above 0 and at most 1 (0.875: resize 256, crop 224)";

    public const string Positive = "a whole number of at least 1";

    public static bool IsValidCropPct(double value) => double.IsFinite(value) && value > 0 && value <= 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming every option whose value cannot work.</summary>
    public static void Validate(JobSpec spec)
    {
        var problems = new List<string>();
        if (!IsValidCropPct(spec.CropPct))
        {
            problems.Add(Problem("--crop-pct", spec.CropPct, CropPct));
        }

        if (spec.MaxPixels < 1)
        {
            problems.Add(Problem("--max-pixels", spec.MaxPixels, Positive));
        }

        if (spec.BatchSize < 1)
        {
            problems.Add(Problem("--batch-size", spec.BatchSize, Positive));
        }

        if (spec.ShardSize < 1)
        {
            problems.Add(Problem("--shard-size", spec.ShardSize, Positive));
        }

        if (!ConfidenceLevels.IsValid(spec.ConfidenceLevel))
        {
            problems.Add(Problem("--confidence-level", spec.ConfidenceLevel, ConfidenceLevels.Rule));
        }

        if (spec.Outputs is not ("auto" or "logits" or "probabilities"))
        {
            problems.Add($"--outputs {spec.Outputs} cannot work: use auto, logits or probabilities.");
        }

        if (!Evaluation.Imaging.ViewSpec.TryParse(spec.View, out _))
        {
            problems.Add($"--view {spec.View} cannot work: use {Evaluation.Imaging.ViewSpec.Forms}, with a crop_pct above 0 and at most 1.");
        }

        if (spec.ClassSubsetMode is not ("masked" or "argmax"))
        {
            problems.Add($"--class-subset-mode {spec.ClassSubsetMode} cannot work: use masked (the datasets' authors' convention) or argmax.");
        }

        if (spec.LeaseTimeout <= TimeSpan.Zero)
        {
            problems.Add($"The lease timeout ({spec.LeaseTimeout}) must be positive.");
        }

        if (spec.MaxFailed is { } threshold && (threshold.Count < 0 || (threshold.Percent is { } percent && !(percent is >= 0 and <= 100))))
        {
            problems.Add($"--max-failed {spec.MaxFailed} cannot work: use a count of 0 or more (e.g. 100) or a share from 0% to 100% (e.g. 5%).");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }
    }

    public static string Problem(string option, IFormattable value, string rule) =>
        $"{option} {value.ToString(null, CultureInfo.InvariantCulture)} cannot work: it must be {rule}.";
}
