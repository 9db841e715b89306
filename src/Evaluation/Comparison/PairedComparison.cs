using System.Text.Json.Nodes;
using SENet.Evaluation.Metrics;

namespace SENet.Evaluation.Comparison;

/// <summary>
/// Compares two evaluations image by image: pairs their predictions by image name, refuses differing image sets (or
/// shares only the common ones when asked), and computes the paired differences, their intervals and McNemar's test.
/// </summary>
public static class PairedComparison
{
    /// <summary>The calibration figures read from each report (report.json's "calibration" object).</summary>
    public static IReadOnlyList<string> CalibrationMeasures { get; } = ["ece", "mce", "nll", "brier"];

    private const int Examples = 3;

    public static ModelComparison Compare(EvaluatedJob a, EvaluatedJob b, ComparisonOptions? options = null)
    {
        options ??= new ComparisonOptions();
        var first = Index(a, "A");
        var second = Index(b, "B");
        var onlyA = first.Keys.Where(k => !second.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var onlyB = second.Keys.Where(k => !first.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        if ((onlyA.Count > 0 || onlyB.Count > 0) && !options.Intersect)
        {
            throw new ImageSetsDifferException(
                $"A ({a.Display}) and B ({b.Display}) were not scored on the same images: {Describe(onlyA, "A", b)}; {Describe(onlyB, "B", a)}; " +
                $"{first.Count - onlyA.Count:N0} in both. Pass --intersect to compare the shared images only, or evaluate both on the same dataset.");
        }

        var pairs = first.Where(p => second.ContainsKey(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (A: p.Value, B: second[p.Key])).ToList();
        if (pairs.Count == 0)
        {
            throw new ImageSetsDifferException($"A ({a.Display}) and B ({b.Display}) share no scored image: there is nothing to compare.");
        }

        var relabelled = pairs.Where(p => p.A.Label != p.B.Label).ToList();
        if (relabelled.Count > 0)
        {
            var example = relabelled[0];
            throw new ImageSetsDifferException(
                $"{relabelled.Count:N0} of the {pairs.Count:N0} shared images have different labels in A and B (e.g. '{example.A.ImageId}': {example.A.Label} in A, {example.B.Label} in B): " +
                "the jobs label the dataset differently (another labels file or class order), so their predictions cannot be compared image by image.");
        }

        var top1 = Difference("top-1", pairs, p => Top1(p), options);
        var top5 = Difference("top-5", pairs, p => p.TopClasses.Contains(p.Label), options);
        var perClass = pairs.GroupBy(p => p.A.Label)
            .Select(g =>
            {
                long n = g.Count(), ra = g.LongCount(p => Top1(p.A)), rb = g.LongCount(p => Top1(p.B));
                return new ClassDifference(g.Key, a.ClassName(g.Key), n, ra, rb, 100.0 * ra / n, 100.0 * rb / n, 100.0 * (rb - ra) / n);
            })
            .OrderBy(c => c.Difference).ThenBy(c => c.ClassIndex)
            .ToList();
        ImageFlip Flip((ImagePrediction A, ImagePrediction B) p) =>
            new(p.A.ImageId, p.A.Label, a.ClassName(p.A.Label), p.A.TopClasses[0], p.A.TopProbabilities[0], p.B.TopClasses[0], p.B.TopProbabilities[0]);
        var losses = pairs.Where(p => Top1(p.A) && !Top1(p.B)).OrderByDescending(p => p.B.TopProbabilities[0]).ThenBy(p => p.A.ImageId, StringComparer.Ordinal)
            .Take(options.FlipsListed).Select(Flip).ToList();
        var gains = pairs.Where(p => !Top1(p.A) && Top1(p.B)).OrderByDescending(p => p.A.TopProbabilities[0]).ThenBy(p => p.A.ImageId, StringComparer.Ordinal)
            .Take(options.FlipsListed).Select(Flip).ToList();
        var (calibration, note) = Calibration(a, b);
        return new ModelComparison
        {
            A = a.Display,
            B = b.Display,
            AModel = a.Model,
            BModel = b.Model,
            Images = pairs.Count,
            OnlyInA = onlyA.Count,
            OnlyInB = onlyB.Count,
            Intersected = onlyA.Count > 0 || onlyB.Count > 0,
            Method = $"differences B − A with {options.Level * 100:0.##} % paired bootstrap percentile intervals over images ({options.Resamples:N0} resamples, seed {options.Seed}); " +
                "McNemar's exact test (two-sided binomial on the discordant images)",
            Level = options.Level,
            Resamples = options.Resamples,
            Seed = options.Seed,
            Top1 = top1,
            Top5 = top5,
            PerClass = perClass,
            MostConfidentLosses = losses,
            MostConfidentGains = gains,
            Calibration = calibration,
            CalibrationNote = note,
        };
    }

    private static bool Top1(ImagePrediction p) => p.TopClasses.Count > 0 && p.TopClasses[0] == p.Label;

    private static AccuracyDifference Difference(string measure, List<(ImagePrediction A, ImagePrediction B)> pairs, Func<ImagePrediction, bool> right, ComparisonOptions options)
    {
        long n = pairs.Count, ra = 0, rb = 0, onlyA = 0, onlyB = 0;
        foreach (var (x, y) in pairs)
        {
            bool rx = right(x), ry = right(y);
            ra += rx ? 1 : 0;
            rb += ry ? 1 : 0;
            onlyA += rx && !ry ? 1 : 0;
            onlyB += ry && !rx ? 1 : 0;
        }

        var (low, high) = PairedBootstrap.DifferenceInterval(n, onlyA, onlyB, options.Level, options.Resamples, options.Seed);
        return new AccuracyDifference(measure, n, ra, rb, onlyA, onlyB, 100.0 * ra / n, 100.0 * rb / n, 100.0 * (rb - ra) / n, 100 * low, 100 * high,
            McNemarTest.ExactTwoSidedP(onlyA, onlyB));
    }

    private static Dictionary<string, ImagePrediction> Index(EvaluatedJob job, string side)
    {
        var index = new Dictionary<string, ImagePrediction>(job.Predictions.Count, StringComparer.Ordinal);
        foreach (var prediction in job.Predictions)
        {
            if (prediction.TopClasses.Count == 0)
            {
                throw new InvalidDataException($"{side} ({job.Display}): image '{prediction.ImageId}' has no predicted class.");
            }

            if (!index.TryAdd(prediction.ImageId, prediction))
            {
                throw new InvalidDataException($"{side} ({job.Display}): image '{prediction.ImageId}' has two rows of predictions; a job's output folder holds one per image.");
            }
        }

        return index;
    }

    private static string Describe(List<string> only, string side, EvaluatedJob other)
    {
        if (only.Count == 0)
        {
            return $"none only in {side}";
        }

        var failed = other.Report?["failures"] is JsonArray failures
            ? failures.Select(f => f?["image_id"]?.GetValue<string>()).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        var failedThere = only.Count(failed.Contains);
        var examples = string.Join(", ", only.Take(Examples).Select(i => $"'{i}'"));
        return $"{only.Count:N0} only in {side} (e.g. {examples}{(failedThere > 0 ? $"; the other job failed {failedThere:N0} of them" : "")})";
    }

    private static (IReadOnlyList<CalibrationChange>, string) Calibration(EvaluatedJob a, EvaluatedJob b)
    {
        var ca = a.Report?["calibration"] as JsonObject;
        var cb = b.Report?["calibration"] as JsonObject;
        if (ca is null && cb is null)
        {
            return ([], "not recorded: neither report holds calibration figures (reports written before calibration was measured)");
        }

        static double? Figure(JsonObject? calibration, string name) => calibration?[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
        var changes = CalibrationMeasures.Select(m => new CalibrationChange(m, Figure(ca, m), Figure(cb, m))).ToList();
        var outputs = $"A's outputs: {ca?["outputs"]?.ToString() ?? "not recorded"}, B's: {cb?["outputs"]?.ToString() ?? "not recorded"}";
        var missing = ca is null ? "A's report does not record calibration; " : cb is null ? "B's report does not record calibration; " : "";
        return (changes, $"{missing}each figure covers its job's whole image set, as its report states it ({outputs})");
    }
}
