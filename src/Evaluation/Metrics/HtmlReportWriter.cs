using System.Globalization;
using System.Net;
using System.Text;

namespace SENet.Evaluation.Metrics;

/// <summary>
/// One self-contained HTML file (inline CSS and SVG, no scripts, nothing fetched): the headline table with Wilson
/// intervals, calibration figures and a reliability diagram, throughput over time per device, per-class accuracy sorted
/// with the worst classes named, the most frequent confusions, and every failed image with its reason.
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

        html.Append("<h2>Calibration</h2>");
        Calibration(html, report.Calibration);
        html.Append("<h2>Throughput over time, per silo and device</h2>");
        Throughput(html, report.Timeline);
        html.Append("<h2>Per-class accuracy (top-1, sorted)</h2>");
        ClassAccuracy(html, report.PerClass);
        html.Append("<h2>Most frequent confusions</h2>");
        Confusions(html, report);
        html.Append("<h2>Failed images (").Append(report.Failures.Count.ToString(Invariant)).Append(")</h2>");
        Failures(html, report.Failures);
        ReproducibilityRecord(html, report.Reproducibility);
        html.Append("</body></html>");
        return html.ToString();
    }

    private static void Headline(StringBuilder html, EvaluationReport report)
    {
        html.Append("<table class=\"headline\">");
        Row(html, "top-1 error", $"<span class=\"big\">{report.Top1Error.ToString("F3", Invariant)} %</span> {Interval(report.Intervals?.Top1Error)}({report.Top1Correct.ToString("N0", Invariant)} correct)");
        Row(html, "top-5 error", $"<span class=\"big\">{report.Top5Error.ToString("F3", Invariant)} %</span> {Interval(report.Intervals?.Top5Error)}({report.Top5Correct.ToString("N0", Invariant)} correct)");
        if (report.Intervals is { } intervals)
        {
            Row(html, "top-1 accuracy", E($"{report.Top1.ToString("F3", Invariant)} % {Interval(intervals.Top1Accuracy)}"));
            Row(html, "top-5 accuracy", E($"{report.Top5.ToString("F3", Invariant)} % {Interval(intervals.Top5Accuracy)}"));
            Row(html, "intervals", E($"{(intervals.Level * 100).ToString("0.##", Invariant)} % Wilson score intervals, from the integer counts"));
        }

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
        html.Append("<table><tr><th>worst classes</th><th>images</th><th>top-1 %</th><th>interval</th><th>top-5 %</th></tr>");
        foreach (var c in present.Take(10))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{c.ClassIndex} {E(c.Name)}</td><td>{c.Images}</td><td>{c.Top1Accuracy.ToString("F1", Invariant)}</td><td>{c.AccuracyLow.ToString("F1", Invariant)}–{c.AccuracyHigh.ToString("F1", Invariant)}</td><td>{c.Top5Accuracy.ToString("F1", Invariant)}</td></tr>");
        }

        html.Append("</table>");
    }

    /// <summary>
    /// The figures, then the reliability diagram: per bin of top-1 probability, a bar of the bin's accuracy against the
    /// diagonal of perfect calibration, the gap to the bin's mean confidence shaded, and each bar's share of images.
    /// </summary>
    private static void Calibration(StringBuilder html, CalibrationSummary? calibration)
    {
        if (calibration is null)
        {
            html.Append("<p>No calibration figures (the report was written without them).</p>");
            return;
        }

        html.Append("<table class=\"headline\">");
        Row(html, "expected calibration error", E($"{calibration.Ece.ToString("F4", Invariant)} ({calibration.Bins} equal-width bins of the top-1 probability)"));
        Row(html, "maximum calibration error", E(calibration.Mce.ToString("F4", Invariant)));
        Row(html, "negative log-likelihood", E($"{calibration.Nll.ToString("F4", Invariant)} nats per image (true class)"));
        Row(html, "Brier score", E($"{calibration.Brier.ToString("F4", Invariant)} per image (whole probability vector, 0 to 2)"));
        Row(html, "model outputs", E($"{calibration.Outputs} ({(calibration.OutputsSource == "declared" ? "declared with --outputs" : "read off the graph")}){(calibration.Outputs == "logits" ? ", softmax applied" : ", used as they are")}"));
        Row(html, "images", E($"{calibration.Images.ToString("N0", Invariant)}{(calibration.Excluded > 0 ? $" ({calibration.Excluded.ToString("N0", Invariant)} left out: a score was NaN or infinite)" : "")}"));
        html.Append("</table>");
        if (calibration.Note is { } note)
        {
            html.Append("<p><strong>Note:</strong> ").Append(E(note)).Append("</p>");
        }

        if (calibration.Images == 0)
        {
            return;
        }

        const int size = 320, left = 50, bottom = 40, top = 10, right = 10;
        const int plot = size - left - right;
        double X(double v) => left + v * plot;
        double Y(double v) => size - bottom - v * (size - bottom - top);
        html.Append(CultureInfo.InvariantCulture, $"<svg id=\"reliability\" width=\"{size}\" height=\"{size}\" xmlns=\"http://www.w3.org/2000/svg\">");
        html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(0)}\" y1=\"{Y(0)}\" x2=\"{X(1)}\" y2=\"{Y(1)}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>");
        foreach (var bin in calibration.Reliability.Where(b => b.Count > 0))
        {
            var x = X(bin.Low);
            var width = X(bin.High) - x;
            var accuracyTop = Y(bin.Accuracy);
            var confidenceTop = Y(bin.Confidence);
            var tip = $"{bin.Low.ToString("F3", Invariant)}–{bin.High.ToString("F3", Invariant)}: {bin.Count.ToString("N0", Invariant)} images, accuracy {bin.Accuracy.ToString("F3", Invariant)}, mean confidence {bin.Confidence.ToString("F3", Invariant)}";
            html.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{F(x)}\" y=\"{F(accuracyTop)}\" width=\"{F(Math.Max(width - 1, 0.5))}\" height=\"{F(Math.Max(Y(0) - accuracyTop, 0.5))}\" fill=\"{Palette[0]}\"><title>{E(tip)}</title></rect>");
            html.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{F(x)}\" y=\"{F(Math.Min(accuracyTop, confidenceTop))}\" width=\"{F(Math.Max(width - 1, 0.5))}\" height=\"{F(Math.Abs(accuracyTop - confidenceTop))}\" fill=\"{Palette[3]}\" fill-opacity=\"0.35\"/>");
        }

        html.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{X(0)}\" y1=\"{Y(0)}\" x2=\"{X(1)}\" y2=\"{Y(0)}\" stroke=\"#999\"/><line x1=\"{X(0)}\" y1=\"{Y(0)}\" x2=\"{X(0)}\" y2=\"{Y(1)}\" stroke=\"#999\"/>" +
            $"<text x=\"4\" y=\"{F(Y(1) + 10)}\" font-size=\"11\">1.0</text><text x=\"4\" y=\"{F(Y(0))}\" font-size=\"11\">0</text>" +
            $"<text x=\"{X(0)}\" y=\"{size - 22}\" font-size=\"11\">0</text><text x=\"{X(1) - 16}\" y=\"{size - 22}\" font-size=\"11\">1.0</text>" +
            $"<text x=\"{X(0.3)}\" y=\"{size - 6}\" font-size=\"11\">top-1 probability</text><text x=\"4\" y=\"{F(Y(0.5))}\" font-size=\"11\">accuracy</text></svg>");
        html.Append("<p>Bars: each bin's accuracy; shaded: its gap to the bin's mean confidence; dashed: perfect calibration.</p>");
        html.Append("<table><tr><th>bin</th><th>images</th><th>accuracy</th><th>mean confidence</th></tr>");
        foreach (var bin in calibration.Reliability.Where(b => b.Count > 0))
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{bin.Low.ToString("F3", Invariant)}–{bin.High.ToString("F3", Invariant)}</td><td>{bin.Count.ToString("N0", Invariant)}</td><td>{bin.Accuracy.ToString("F3", Invariant)}</td><td>{bin.Confidence.ToString("F3", Invariant)}</td></tr>");
        }

        html.Append("</table>");
    }

    private static string Interval(PercentInterval? interval) =>
        interval is null ? "" : $"[{interval.Low.ToString("F3", Invariant)}, {interval.High.ToString("F3", Invariant)}] ";

    private static string F(double value) => value.ToString("F1", Invariant);

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

    /// <summary>What the job ran: enough to run it again (<c>senet rerun</c>) and to see whether a rerun ran the same thing.</summary>
    private static void ReproducibilityRecord(StringBuilder html, Reproducibility.ReproducibilityRecord? record)
    {
        if (record is null)
        {
            return;
        }

        var p = record.Preprocessing;
        html.Append("<h2>Reproducibility record</h2><table class=\"headline\">");
        Row(html, "model", E($"{record.ModelLocation} (sha256 {record.ModelSha256 ?? "not recorded"})"));
        Row(html, "dataset", E($"{record.DatasetLocation} ({record.ManifestImages.ToString("N0", Invariant)} images; image list sha256 {record.ManifestSha256 ?? "not recorded"})"));
        Row(html, "labels", E(record.LabelsFile is null ? "class folders (ImageFolder)" : $"{record.LabelsFile} ({record.LabelFormat}; sha256 {record.LabelsSha256 ?? "not recorded"})"));
        Row(html, "preprocessing", E($"resize {p.Resize} ({p.Interpolation}, antialiased), centre crop {p.Crop} (crop_pct {p.CropPct.ToString(Invariant)}), {p.ChannelOrder} ×1/{p.PixelScale.ToString(Invariant)}, " +
            $"mean ({string.Join(", ", p.Mean.Select(m => m.ToString(Invariant)))}), std ({string.Join(", ", p.Std.Select(d => d.ToString(Invariant)))}){(p.FastDecode ? ", fast decode" : "")}"));
        Row(html, "decoders", E(string.Join("; ", record.Decoders.Select(d => $"{d.Format}: {d.Decoder} ({d.Images.ToString("N0", Invariant)})"))));
        Row(html, "PIL-exact", E(record.PilExact ? "yes" : $"no: {record.PilExactNote}"));
        Row(html, "runtime", E($"ONNX Runtime {record.OnnxRuntimeVersion}; {string.Join("; ", record.ExecutionProviders)}"));
        Row(html, "batches", E($"batch size {record.BatchSize.ToString(Invariant)}, {record.Devices.ToString(Invariant)} devices, shards of {record.ShardSize.ToString(Invariant)}"));
        Row(html, "build", E($"senet {record.ProjectVersion}, commit {record.Commit}"));
        html.Append("</table>");
    }

    private static void Row(StringBuilder html, string name, string valueHtml) => html.Append("<tr><td>").Append(E(name)).Append("</td><td>").Append(valueHtml).Append("</td></tr>");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
