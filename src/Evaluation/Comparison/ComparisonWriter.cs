using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using SENet.Evaluation.Metrics;

namespace SENet.Evaluation.Comparison;

/// <summary>A comparison as JSON (the report's conventions) and as one self-contained HTML page (inline CSS, no scripts).</summary>
public static class ComparisonWriter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string ToJson(ModelComparison comparison) => JsonSerializer.Serialize(comparison, ReportWriter.JsonOptions);

    public static ModelComparison FromJson(string json) =>
        JsonSerializer.Deserialize<ModelComparison>(json, ReportWriter.JsonOptions) ?? throw new InvalidDataException("The comparison JSON is empty.");

    /// <summary>One line that says whether the difference is real: the interval and the test, in words.</summary>
    public static string Verdict(AccuracyDifference d, double level)
    {
        var interval = $"{Points(d.Difference)} points [{Points(d.Low)}, {Points(d.High)}]";
        var p = $"McNemar p = {P(d.McNemarP)}";
        return d.IntervalExcludesZero
            ? $"{d.Measure}: B is {(d.Difference > 0 ? "better" : "worse")} by {interval} ({level * 100:0.##} % interval excludes 0; {p})"
            : $"{d.Measure}: no difference shown, {interval} ({level * 100:0.##} % interval includes 0; {p})";
    }

    public static string Points(double value) => value.ToString("+0.000;-0.000;0.000", Invariant);

    public static string P(double p) => p < 1e-4 ? p.ToString("0.0e+0", Invariant) : p.ToString("0.0000", Invariant);

    public static string ToHtml(ModelComparison c, string title)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:24px;color:#222}h1{font-size:22px}h2{font-size:17px;margin-top:28px}")
            .Append("table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #ddd;padding:3px 10px;text-align:left}")
            .Append("td.n{text-align:right;font-variant-numeric:tabular-nums}.verdict{font-size:16px;font-weight:600}")
            .Append(".bar{display:inline-block;height:10px}.gain{background:#2ca02c}.loss{background:#d62728}")
            .Append("</style></head><body>");
        html.Append("<h1>").Append(E(title)).Append("</h1>");
        html.Append("<table>");
        Row(html, "A", c.AModel == c.A ? E(c.A) : $"{E(c.AModel)} — {E(c.A)}");
        Row(html, "B", c.BModel == c.B ? E(c.B) : $"{E(c.BModel)} — {E(c.B)}");
        Row(html, "images compared", E(c.Images.ToString("N0", Invariant) + (c.Intersected ? $" (shared subset, --intersect: {c.OnlyInA:N0} only in A, {c.OnlyInB:N0} only in B left out)" : " (the same image set)")));
        Row(html, "method", E(c.Method));
        html.Append("</table>");
        foreach (var d in new[] { c.Top1, c.Top5 })
        {
            html.Append("<p class=\"verdict\">").Append(E(Verdict(d, c.Level))).Append("</p>");
        }

        html.Append("<h2>Accuracy, paired</h2><table><tr><th>measure</th><th>A %</th><th>B %</th><th>B − A (points)</th><th>interval</th><th>right only under A</th><th>right only under B</th><th>McNemar p</th></tr>");
        foreach (var d in new[] { c.Top1, c.Top5 })
        {
            html.Append("<tr><td>").Append(E(d.Measure)).Append("</td>");
            Cells(html, d.A.ToString("F3", Invariant), d.B.ToString("F3", Invariant), Points(d.Difference), $"[{Points(d.Low)}, {Points(d.High)}]",
                d.OnlyARight.ToString("N0", Invariant), d.OnlyBRight.ToString("N0", Invariant), P(d.McNemarP));
            html.Append("</tr>");
        }

        html.Append("</table>");
        html.Append("<h2>Calibration</h2>");
        if (c.Calibration.Count > 0)
        {
            html.Append("<table><tr><th>figure</th><th>A</th><th>B</th><th>B − A</th></tr>");
            foreach (var k in c.Calibration)
            {
                html.Append("<tr><td>").Append(E(k.Measure)).Append("</td>");
                Cells(html, Figure(k.A), Figure(k.B), k.Difference is { } d ? d.ToString("+0.0000;-0.0000;0", Invariant) : "—");
                html.Append("</tr>");
            }

            html.Append("</table>");
        }

        html.Append("<p>").Append(E(c.CalibrationNote)).Append("</p>");
        html.Append("<h2>Per-class top-1 accuracy, B − A (sorted)</h2><table><tr><th>class</th><th>images</th><th>A %</th><th>B %</th><th>B − A</th><th></th></tr>");
        var widest = Math.Max(1e-9, c.PerClass.Select(p => Math.Abs(p.Difference)).DefaultIfEmpty(0).Max());
        foreach (var p in c.PerClass)
        {
            html.Append("<tr><td>").Append(E($"{p.ClassIndex} {p.Name}".TrimEnd())).Append("</td>");
            Cells(html, p.Images.ToString("N0", Invariant), p.A.ToString("F1", Invariant), p.B.ToString("F1", Invariant), Points(p.Difference));
            var width = (int)Math.Round(120 * Math.Abs(p.Difference) / widest);
            html.Append("<td><span class=\"bar ").Append(p.Difference >= 0 ? "gain" : "loss").Append("\" style=\"width:").Append(width.ToString(Invariant)).Append("px\"></span></td></tr>");
        }

        html.Append("</table>");
        Flips(html, $"Right under A, wrong under B ({c.Top1.OnlyARight:N0}); B's most confident first", c.MostConfidentLosses);
        Flips(html, $"Wrong under A, right under B ({c.Top1.OnlyBRight:N0}); A's most confident first", c.MostConfidentGains);
        html.Append("</body></html>");
        return html.ToString();
    }

    private static void Flips(StringBuilder html, string heading, IReadOnlyList<ImageFlip> flips)
    {
        html.Append("<h2>").Append(E(heading)).Append("</h2><table><tr><th>image</th><th>label</th><th>A's top-1</th><th>A's probability</th><th>B's top-1</th><th>B's probability</th></tr>");
        foreach (var f in flips)
        {
            html.Append("<tr><td>").Append(E(f.Image)).Append("</td>");
            Cells(html, $"{f.Label} {f.LabelName}".TrimEnd(), f.ATop1.ToString(Invariant), f.AProbability.ToString("0.0000", Invariant), f.BTop1.ToString(Invariant), f.BProbability.ToString("0.0000", Invariant));
            html.Append("</tr>");
        }

        html.Append("</table>");
    }

    private static string Figure(double? value) => value is { } v ? v.ToString("0.0000", Invariant) : "not recorded";

    private static void Row(StringBuilder html, string name, string valueHtml) => html.Append("<tr><td>").Append(E(name)).Append("</td><td>").Append(valueHtml).Append("</td></tr>");

    private static void Cells(StringBuilder html, params string[] values)
    {
        foreach (var value in values)
        {
            html.Append("<td class=\"n\">").Append(E(value)).Append("</td>");
        }
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
