using System.Globalization;
using SENet.Evaluation.Metrics;
using Spectre.Console;

namespace SENet.Client;

/// <summary>The report as a person reads it in a terminal: headline, worst classes, confusions, failures.</summary>
public static class ReportPrinter
{
    private const int Shown = 10;

    public static void Print(CliConsole console, EvaluationReport report)
    {
        var headline = new Table().Border(TableBorder.Rounded).Title("[bold]evaluation[/]").AddColumn("").AddColumn("").HideHeaders();
        void Row(string name, string value) => headline.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("model", $"{report.Model} ({report.ParameterCount / 1e6:F2} M parameters) on {report.ExecutionProvider}");
        Row("dataset", report.Dataset);
        Row("state", report.State);
        Row("images scored", report.Images.ToString("N0", CultureInfo.InvariantCulture));
        Row("failed", report.Failed.ToString("N0", CultureInfo.InvariantCulture));
        Row("top-1 error", $"{report.Top1Error:F3} %  ({report.Top1Correct:N0} correct)");
        Row("top-5 error", $"{report.Top5Error:F3} %  ({report.Top5Correct:N0} correct)");
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
        console.Out.Write(headline);
        foreach (var note in report.Notes)
        {
            console.Out.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
        }

        var worst = report.PerClass.Where(c => c.Images > 0).OrderBy(c => c.Top1Accuracy).ThenBy(c => c.ClassIndex).Take(Shown).ToList();
        if (worst.Count > 0)
        {
            var classes = new Table().Border(TableBorder.Simple).Title("worst classes (top-1)").AddColumns("class", "images", "top-1 %", "top-5 %");
            foreach (var c in worst)
            {
                classes.AddRow(Markup.Escape($"{c.ClassIndex} {c.Name}"), c.Images.ToString(CultureInfo.InvariantCulture), c.Top1Accuracy.ToString("F1", CultureInfo.InvariantCulture), c.Top5Accuracy.ToString("F1", CultureInfo.InvariantCulture));
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
