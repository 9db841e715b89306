using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace SENet.Evaluation.Metrics;

/// <summary>
/// One row per job in the columns of timm's results CSV, plus the intervals, the calibration figures, the model's
/// SHA-256, images and failures; sorted by top-1 with the rank and the top-1 difference to the best row. Reports are read
/// as JSON, so that a figure an older report lacks is "not recorded" rather than an error.
/// </summary>
public static class ResultsTable
{
    public static IReadOnlyList<string> Columns { get; } =
    [
        "rank", "job", "model", "top1", "top1_err", "top5", "top5_err", "param_count", "img_size", "crop_pct", "interpolation",
        "top1_diff", "top1_low", "top1_high", "top5_low", "top5_high", "ece", "mce", "nll", "brier", "model_sha256", "images", "failed",
    ];

    private const string NotRecorded = "not recorded";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The rows, best top-1 first, as column → value (null where the report does not record it).</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string?>> Rows(IEnumerable<(string Job, JsonObject Report)> reports)
    {
        var rows = reports.Select(r => (r.Job, r.Report, Top1: Number(r.Report["top1"]) ?? double.NaN))
            .OrderByDescending(r => double.IsNaN(r.Top1) ? double.NegativeInfinity : r.Top1).ThenBy(r => r.Job, StringComparer.Ordinal)
            .ToList();
        var best = rows.Count > 0 ? rows[0].Top1 : double.NaN;
        return rows.Select((r, i) =>
        {
            var report = r.Report;
            var top5 = Number(report["top5"]);
            var calibration = report["calibration"] as JsonObject;
            var (top1Low, top1High) = Interval(report, "top1");
            var (top5Low, top5High) = Interval(report, "top5");
            return (IReadOnlyDictionary<string, string?>)new Dictionary<string, string?>
            {
                ["rank"] = (i + 1).ToString(Invariant),
                ["job"] = r.Job,
                ["model"] = report["model"]?.ToString(),
                ["top1"] = Round(r.Top1, 4),
                ["top1_err"] = Round(100 - r.Top1, 4),
                ["top5"] = Round(top5, 4),
                ["top5_err"] = Round(100 - top5, 4),
                ["param_count"] = Round(Number(report["parameter_count"]) / 1e6, 2),
                ["img_size"] = report["image_size"]?.ToString(),
                ["crop_pct"] = Round(Number(report["crop_pct"]), 4),
                ["interpolation"] = report["interpolation"]?.ToString(),
                ["top1_diff"] = Round(r.Top1 - best, 4),
                ["top1_low"] = Round(top1Low, 4),
                ["top1_high"] = Round(top1High, 4),
                ["top5_low"] = Round(top5Low, 4),
                ["top5_high"] = Round(top5High, 4),
                ["ece"] = Round(Number(calibration?["ece"]), 6),
                ["mce"] = Round(Number(calibration?["mce"]), 6),
                ["nll"] = Round(Number(calibration?["nll"]), 6),
                ["brier"] = Round(Number(calibration?["brier"]), 6),
                ["model_sha256"] = report["reproducibility"]?["model_sha256"]?.ToString(),
                ["images"] = report["images"]?.ToString(),
                ["failed"] = report["failed"]?.ToString(),
            };
        }).ToList();
    }

    /// <summary>CSV (RFC 4180): an unrecorded figure is an empty field.</summary>
    public static string ToCsv(IReadOnlyList<IReadOnlyDictionary<string, string?>> rows)
    {
        var csv = new StringBuilder(string.Join(',', Columns)).Append('\n');
        foreach (var row in rows)
        {
            csv.Append(string.Join(',', Columns.Select(c => Csv.Escape(row[c] ?? "")))).Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>A Markdown table: an unrecorded figure reads "not recorded".</summary>
    public static string ToMarkdown(IReadOnlyList<IReadOnlyDictionary<string, string?>> rows)
    {
        var markdown = new StringBuilder("| ").Append(string.Join(" | ", Columns)).Append(" |\n|").Append(string.Concat(Columns.Select(_ => "---|"))).Append('\n');
        foreach (var row in rows)
        {
            markdown.Append("| ").Append(string.Join(" | ", Columns.Select(c => (row[c] ?? NotRecorded).Replace("|", "\\|", StringComparison.Ordinal)))).Append(" |\n");
        }

        return markdown.ToString();
    }

    /// <summary>
    /// A measure's interval from report.json's "intervals" object, where the report records one:
    /// {"top1_accuracy": {"low", "high"}} (also "top1", "lower"/"upper", and "top1_low"/"top1_high" flat).
    /// </summary>
    private static (double? Low, double? High) Interval(JsonObject report, string measure)
    {
        if (report["intervals"] is not JsonObject intervals)
        {
            return (null, null);
        }

        if ((intervals[$"{measure}_accuracy"] ?? intervals[measure]) is JsonObject one)
        {
            return (Number(one["low"] ?? one["lower"]), Number(one["high"] ?? one["upper"]));
        }

        return (Number(intervals[$"{measure}_low"] ?? intervals[$"{measure}_lower"]), Number(intervals[$"{measure}_high"] ?? intervals[$"{measure}_upper"]));
    }

    private static double? Number(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue<double>(out var d) ? d
        : value.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, Invariant, out var parsed) ? parsed : null
        : null;

    private static string? Round(double? value, int digits) => value is { } v && !double.IsNaN(v) ? Math.Round(v, digits).ToString(Invariant) : null;
}
