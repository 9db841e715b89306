using System.Globalization;
using SENet.Evaluation.Metrics;
using Spectre.Console;

namespace SENet.Client;

/// <summary>The report as a person reads it in a terminal: headline, worst classes, confusions, failures.</summary>
public static class ReportPrinter
{
    private const int Shown = 10;

    /// <summary>"[low, high] " of an interval in percent, or nothing for a report written before intervals existed.</summary>
    private static string Interval(PercentInterval? interval) =>
        interval is null ? "" : $"[{interval.Low.ToString("F3", CultureInfo.InvariantCulture)}, {interval.High.ToString("F3", CultureInfo.InvariantCulture)}]  ";

    /// <summary>
    /// The report, then the job's error if it has one; a job that ended before any image was evaluated has no figures
    /// worth a table (its "0.000 %" would read as a perfect model), so it prints only why it ended.
    /// </summary>
    public static void PrintOrExplain(CliConsole console, string jobId, EvaluationReport report, string? error) =>
        PrintOrExplain(console, jobId, report, error, () => Print(console, report));

    /// <summary>
    /// <paramref name="print"/>, then the job's error; only why it ended when <paramref name="report"/> (a job of several
    /// evaluations: its first) says no image was evaluated.
    /// </summary>
    public static void PrintOrExplain(CliConsole console, string jobId, EvaluationReport report, string? error, Action print)
    {
        var state = report.State;
        if (state != "completed" && report.Images + report.Failed == 0)
        {
            console.Error.WriteLine($"error: job {jobId} {state} before any image was evaluated: {error ?? "no reason was recorded"}");
            return;
        }

        print();
        if (error is not null)
        {
            console.Error.WriteLine($"job {jobId} {state}: {error}");
        }
    }

    public static void Print(CliConsole console, EvaluationReport report)
    {
        var headline = new Table().Border(TableBorder.Rounded).Title("[bold]evaluation[/]").AddColumn("").AddColumn("").HideHeaders();
        void Row(string name, string value) => headline.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("model", $"{report.Model} ({report.ParameterCount / 1e6:F2} M parameters) on {report.ExecutionProvider}");
        Row("dataset", report.Dataset);
        Row("state", report.StateSummary());
        Row("images scored", report.Images.ToString("N0", CultureInfo.InvariantCulture));
        Row("failed", report.Failed.ToString("N0", CultureInfo.InvariantCulture));
        if (report.Images > 0)
        {
            Row("top-1 error", $"{report.Top1Error:F3} %  {Interval(report.Intervals?.Top1Error)}({report.Top1Correct:N0} correct)");
            Row("top-5 error", $"{report.Top5Error:F3} %  {Interval(report.Intervals?.Top5Error)}({report.Top5Correct:N0} correct)");
        }
        else
        {
            // No image scored: an error rate of 0 % would read as a perfect model.
            Row("top-1 error", "- (no image was scored)");
            Row("top-5 error", "- (no image was scored)");
        }

        if (report.Intervals is { } intervals && report.Images > 0)
        {
            Row("top-1 / top-5 accuracy", $"{report.Top1:F3} % [{intervals.Top1Accuracy.Low:F3}, {intervals.Top1Accuracy.High:F3}] / {report.Top5:F3} % [{intervals.Top5Accuracy.Low:F3}, {intervals.Top5Accuracy.High:F3}]");
            Row("intervals", $"{intervals.Level * 100:0.##} % Wilson score");
        }

        if (report.Calibration is { } calibration && report.Images > 0)
        {
            Row("calibration", $"ECE {calibration.Ece:F4}, MCE {calibration.Mce:F4}, NLL {calibration.Nll:F4}, Brier {calibration.Brier:F4} ({calibration.Bins} bins; outputs {calibration.Outputs}, {calibration.OutputsSource})");
        }

        Row("preprocess", $"{report.ImageSize}px, crop_pct {report.CropPct.ToString(CultureInfo.InvariantCulture)}, {report.Interpolation}, view {report.View}");
        if (report.Labels?.ClassFolders is { } folders)
        {
            Row("class folders", folders);
        }

        if (report.Labels?.ClassSubset is { } subset)
        {
            Row("class subset", $"{subset.Classes} classes from {subset.File}, {subset.Mode}{(subset.Mode == "masked" ? " (logits outside the subset masked)" : " (argmax over every output)")}");
        }

        if (report.Labels?.Real is { } real)
        {
            Row("ImageNet-ReaL", $"top-1 {real.Top1:F3} %, top-5 {real.Top5:F3} % over {real.Images:N0} images (original top-1 {real.OriginalTop1:F3} %, top-5 {real.OriginalTop5:F3} %); {real.EmptySkipped:N0} with no correct label skipped, {real.Unlisted:N0} not listed");
        }

        Row("duration", $"{report.DurationSeconds:F1} s, {report.ImagesPerSecond:F1} images/s");
        if (report.Reproducibility is { } record)
        {
            Row("decoding", record.PilExact ? "PIL-exact (libjpeg-turbo at full scale)" : "not PIL-exact (see the note)");
            Row("model sha256", record.ModelSha256 ?? "not recorded");
            Row("build", $"senet {record.ProjectVersion} ({record.Commit}), ONNX Runtime {record.OnnxRuntimeVersion}");
        }

        console.Out.Write(headline);
        foreach (var note in report.Calibration?.Note is { } outputsNote ? [.. report.Notes, outputsNote] : report.Notes)
        {
            console.Out.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
        }

        var worst = report.PerClass.Where(c => c.Images > 0).OrderBy(c => c.Top1Accuracy).ThenBy(c => c.ClassIndex).Take(Shown).ToList();
        if (worst.Count > 0)
        {
            var level = report.Intervals?.Level ?? 0.95;
            var classes = new Table().Border(TableBorder.Simple).Title("worst classes (top-1)").AddColumns("class", "images", "top-1 %", $"{level * 100:0.##} % interval", "top-5 %");
            foreach (var c in worst)
            {
                classes.AddRow(Markup.Escape($"{c.ClassIndex} {c.Name}"), c.Images.ToString(CultureInfo.InvariantCulture), c.Top1Accuracy.ToString("F1", CultureInfo.InvariantCulture),
                    $"{c.AccuracyLow.ToString("F1", CultureInfo.InvariantCulture)}–{c.AccuracyHigh.ToString("F1", CultureInfo.InvariantCulture)}", c.Top5Accuracy.ToString("F1", CultureInfo.InvariantCulture));
            }

            console.Out.Write(classes);
        }

        if (report.TopConfusions.Count > 0)
        {
            var names = report.PerClass.ToDictionary(c => c.ClassIndex, c => c.Name);
            var confusions = new Table().Border(TableBorder.Simple).Title("most frequent confusions").AddColumns("true class", "predicted", "images");
            foreach (var c in report.TopConfusions.Take(Shown))
            {
                confusions.AddRow(Markup.Escape(names.GetValueOrDefault(c.Label, c.Label.ToString(CultureInfo.InvariantCulture))), Markup.Escape(names.GetValueOrDefault(c.Predicted, c.Predicted.ToString(CultureInfo.InvariantCulture))), c.Count.ToString(CultureInfo.InvariantCulture));
            }

            console.Out.Write(confusions);
        }

        if (report.Failures.Count > 0)
        {
            var failures = new Table().Border(TableBorder.Simple).Title($"failures ({report.Failures.Count})").AddColumns("image", "stage", "reason");
            foreach (var f in report.Failures.Take(Shown))
            {
                failures.AddRow(Markup.Escape(f.ImageId), Markup.Escape(f.Stage), Markup.Escape(f.Reason));
            }

            if (report.Failures.Count > Shown)
            {
                failures.AddRow("…", "", Markup.Escape($"{report.Failures.Count - Shown} more in report.json"));
            }

            console.Out.Write(failures);
        }
    }
}
