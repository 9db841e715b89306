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
    /// <summary>Series colours (the charts' own): the first is also what tests look for to see that charts rendered.</summary>
    public static readonly string[] Palette = ReportCharts.Palette;

    public const string AccuracyColor = ReportCharts.AccuracyColor;

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

        html.Append("<h2>Throughput over time, per silo and device</h2>");
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
        Row(html, "state", E(report.State));
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

        html.Append(ReportCharts.Throughput(timeline));
    }

    private static void ClassAccuracy(StringBuilder html, IReadOnlyList<ClassAccuracy> classes)
    {
        var present = classes.Where(c => c.Images > 0).OrderBy(c => c.Top1Accuracy).ThenBy(c => c.ClassIndex).ToList();
        if (present.Count == 0)
        {
            html.Append("<p>No scored images.</p>");
            return;
        }

        html.Append(ReportCharts.ClassAccuracy(present));
        html.Append("<table><tr><th>worst classes</th><th>images</th><th>top-1 %</th><th>top-5 %</th></tr>");
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
        if (failures.Count == 0)
        {
            html.Append("<p>None: every image was read, decoded and scored.</p>");
            return;
        }

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

    private static void Row(StringBuilder html, string name, string valueHtml) => html.Append("<tr><td>").Append(E(name)).Append("</td><td>").Append(valueHtml).Append("</td></tr>");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
