using System.Globalization;
using System.Net;
using System.Text;

namespace SENet.Evaluation.Metrics;

/// <summary>
/// One self-contained HTML file (inline CSS and SVG, no scripts, nothing fetched): the headline table, throughput
/// over time per device, per-class accuracy sorted with the worst classes named, the most frequent confusions,
/// and every failed image with its reason.
/// </summary>
public static class HtmlReportWriter
{
    /// <summary>Series colours: the first is also what tests look for to see that charts rendered.</summary>
    public static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#9467bd", "#d62728", "#8c564b", "#e377c2", "#17becf", "#bcbd22"];

    public const string AccuracyColor = "#2ca02c";

    private const int ShownRows = 1000;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Write(EvaluationReport report, string title)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:24px;color:#222}h1{font-size:22px}h2{font-size:17px;margin-top:28px}")
            .Append("table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #ddd;padding:3px 10px;text-align:left}")
            .Append(".headline td:first-child{color:#666}.big{font-size:20px;font-weight:600}svg{background:#fafafa;border:1px solid #eee}")
            .Append("</style></head><body>");
        html.Append("<h1>").Append(E(title)).Append("</h1>");
        Headline(html, report);
        foreach (var note in report.Notes)
        {
            html.Append("<p><strong>Note:</strong> ").Append(E(note)).Append("</p>");
        }

        html.Append("<h2>Throughput over time, per device</h2>");
        Throughput(html, report.Timeline);
        html.Append("<h2>Per-class accuracy (top-1, sorted)</h2>");
        ClassAccuracy(html, report.PerClass);
        html.Append("<h2>Most frequent confusions</h2>");
        Confusions(html, report);
        html.Append("<h2>Failed images (").Append(report.Failures.Count.ToString(Invariant)).Append(")</h2>");
        Failures(html, report.Failures);
        html.Append("</body></html>");
        return html.ToString();
    }

    private static void Headline(StringBuilder html, EvaluationReport report)
    {
        html.Append("<table class=\"headline\">");
        Row(html, "top-1 error", $"<span class=\"big\">{report.Top1Error.ToString("F3", Invariant)} %</span> ({report.Top1Correct.ToString("N0", Invariant)} correct)");
        Row(html, "top-5 error", $"<span class=\"big\">{report.Top5Error.ToString("F3", Invariant)} %</span> ({report.Top5Correct.ToString("N0", Invariant)} correct)");
        Row(html, "images scored", E(report.Images.ToString("N0", Invariant)));
        Row(html, "failed images", E(report.Failed.ToString("N0", Invariant)));
        Row(html, "duration", E($"{report.DurationSeconds.ToString("F1", Invariant)} s"));
        Row(html, "throughput", E($"{report.ImagesPerSecond.ToString("F1", Invariant)} images/s"));
        Row(html, "state", E(report.StateSummary()));
        Row(html, "model", E($"{report.Model} ({(report.ParameterCount / 1e6).ToString("F2", Invariant)} M parameters)"));
        Row(html, "devices", E(report.ExecutionProvider));
        Row(html, "dataset", E(report.Dataset));
        Row(html, "preprocessing", E($"{report.ImageSize}px, crop_pct {report.CropPct.ToString(Invariant)}, {report.Interpolation}"));
        html.Append("</table>");
    }

    private static void Throughput(StringBuilder html, IReadOnlyList<ShardTiming> timeline)
    {
        if (timeline.Count == 0)
        {
            html.Append("<p>No shard timings (the report was made by the engine alone).</p>");
            return;
        }

        const int width = 900, height = 260, left = 60, bottom = 30, bins = 60;
        var end = Math.Max(timeline.Max(t => t.EndSeconds), 1e-3);
        var binWidth = end / bins;
        var devices = timeline.Select(t => t.Device).Distinct().Order(StringComparer.Ordinal).ToList();
        var rates = devices.ToDictionary(d => d, _ => new double[bins]);
        foreach (var shard in timeline)
        {
            var span = Math.Max(shard.EndSeconds - shard.StartSeconds, 1e-6);
            for (var b = 0; b < bins; b++)
            {
                var overlap = Math.Min(shard.EndSeconds, (b + 1) * binWidth) - Math.Max(shard.StartSeconds, b * binWidth);
                if (overlap > 0)
                {
                    rates[shard.Device][b] += shard.Images * (overlap / span) / binWidth;
                }
            }
        }

        var max = Math.Max(rates.Values.Max(r => r.Max()), 1e-6);
        html.Append(CultureInfo.InvariantCulture, $"<svg id=\"throughput\" width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        Axes(html, width, height, left, bottom, $"{max.ToString("F0", Invariant)} images/s", $"{end.ToString("F1", Invariant)} s");
        for (var d = 0; d < devices.Count; d++)
        {
            var color = Palette[d % Palette.Length];
            var points = string.Join(' ', Enumerable.Range(0, bins).Select(b =>
                $"{(left + (b + 0.5) * (width - left - 10) / bins).ToString("F1", Invariant)},{(height - bottom - rates[devices[d]][b] / max * (height - bottom - 20)).ToString("F1", Invariant)}"));
            html.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"3\" points=\"{points}\"/>");
            html.Append(CultureInfo.InvariantCulture, $"<rect x=\"{width - 220}\" y=\"{12 + 16 * d}\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{width - 202}\" y=\"{22 + 16 * d}\" font-size=\"12\">{E(devices[d])}</text>");
        }

        html.Append("</svg>");
    }

    private static void ClassAccuracy(StringBuilder html, IReadOnlyList<ClassAccuracy> classes)
    {
        var present = classes.Where(c => c.Images > 0).OrderBy(c => c.Top1Accuracy).ThenBy(c => c.ClassIndex).ToList();
        if (present.Count == 0)
        {
            html.Append("<p>No scored images.</p>");
            return;
        }

        const int width = 900, height = 220, left = 60, bottom = 30;
        var barWidth = (double)(width - left - 10) / present.Count;
        html.Append(CultureInfo.InvariantCulture, $"<svg id=\"accuracy\" width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        Axes(html, width, height, left, bottom, "100 %", $"{present.Count} classes, worst first");
        for (var i = 0; i < present.Count; i++)
        {
            var barHeight = present[i].Top1Accuracy / 100 * (height - bottom - 20);
            html.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{(left + i * barWidth).ToString("F2", Invariant)}\" y=\"{(height - bottom - barHeight).ToString("F2", Invariant)}\" width=\"{Math.Max(barWidth - 0.5, 0.5).ToString("F2", Invariant)}\" height=\"{Math.Max(barHeight, 1).ToString("F2", Invariant)}\" fill=\"{AccuracyColor}\"><title>{E(present[i].Name)}: {present[i].Top1Accuracy.ToString("F1", Invariant)} %</title></rect>");
        }

        html.Append("</svg><table><tr><th>worst classes</th><th>images</th><th>top-1 %</th><th>top-5 %</th></tr>");
        foreach (var c in present.Take(10))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{c.ClassIndex} {E(c.Name)}</td><td>{c.Images}</td><td>{c.Top1Accuracy.ToString("F1", Invariant)}</td><td>{c.Top5Accuracy.ToString("F1", Invariant)}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void Confusions(StringBuilder html, EvaluationReport report)
    {
        var names = report.PerClass.ToDictionary(c => c.ClassIndex, c => c.Name);
        html.Append("<table><tr><th>true class</th><th>predicted as</th><th>images</th></tr>");
        foreach (var c in report.TopConfusions)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(names.GetValueOrDefault(c.Label, c.Label.ToString(Invariant)))}</td><td>{E(names.GetValueOrDefault(c.Predicted, c.Predicted.ToString(Invariant)))}</td><td>{c.Count}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void Failures(StringBuilder html, IReadOnlyList<ImageFailure> failures)
    {
        html.Append("<table><tr><th>image</th><th>stage</th><th>reason</th></tr>");
        foreach (var f in failures.Take(ShownRows))
        {
            html.Append("<tr><td>").Append(E(f.ImageId)).Append("</td><td>").Append(E(f.Stage)).Append("</td><td>").Append(E(f.Reason)).Append("</td></tr>");
        }

        html.Append("</table>");
        if (failures.Count > ShownRows)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>… and {failures.Count - ShownRows} more in report.json.</p>");
        }
    }

    private static void Axes(StringBuilder html, int width, int height, int left, int bottom, string top, string right) =>
        html.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - 10}\" y2=\"{height - bottom}\" stroke=\"#999\"/><line x1=\"{left}\" y1=\"10\" x2=\"{left}\" y2=\"{height - bottom}\" stroke=\"#999\"/>" +
            $"<text x=\"4\" y=\"24\" font-size=\"11\">{E(top)}</text><text x=\"{width - 160}\" y=\"{height - 8}\" font-size=\"11\">{E(right)}</text>");

    private static void Row(StringBuilder html, string name, string valueHtml) => html.Append("<tr><td>").Append(E(name)).Append("</td><td>").Append(valueHtml).Append("</td></tr>");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
