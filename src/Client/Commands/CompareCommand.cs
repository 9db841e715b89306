using System.CommandLine;
using System.Globalization;
using SENet.Client.Cluster;
using SENet.Evaluation.Comparison;
using Spectre.Console;

namespace SENet.Client.Commands;

/// <summary>
/// <c>senet compare A B</c>: a paired comparison of two finished evaluations on the same images (job ids or output
/// folders). The statistics are the engine's (<see cref="PairedComparison"/>); this verb finds, prints and writes.
/// </summary>
public static class CompareCommand
{
    private const int Shown = 10;

    public static Command Create(CliConsole console)
    {
        var a = new Argument<string>("A") { Description = "The baseline: a job id of the cluster, or an output folder (local or blob) holding predictions." };
        var b = new Argument<string>("B") { Description = "The candidate, compared with A image by image." };
        var intersect = new Option<bool>("--intersect") { Description = "When the image sets differ, compare the images both scored (refused otherwise)." };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the comparison as JSON." };
        var html = new Option<FileInfo?>("--html") { Description = "Also write the comparison as one self-contained HTML page." };
        var level = EvaluationOptions.Checked(new Option<double>("--level") { Description = "Confidence level of the intervals.", DefaultValueFactory = _ => 0.95 },
            v => v is > 0 and < 1, "a level between 0 and 1, e.g. 0.95");
        var resamples = EvaluationOptions.Checked(new Option<int>("--resamples") { Description = "Paired bootstrap resamples.", DefaultValueFactory = _ => PairedBootstrap.DefaultResamples },
            v => v >= 100, "at least 100 resamples");
        var seed = new Option<int>("--seed") { Description = "The bootstrap's seed (fixed: the same inputs give the same interval).", DefaultValueFactory = _ => PairedBootstrap.DefaultSeed };
        var flips = EvaluationOptions.Checked(new Option<int>("--flips") { Description = "How many of the most confident flips each way to name.", DefaultValueFactory = _ => 20 },
            v => v >= 0, "0 or more");
        var cluster = new ClusterOptions();
        var command = new Command("compare", "Compare two evaluations on the same images: top-1/top-5 difference with intervals, McNemar's exact test, per-class changes, flips, calibration.")
        {
            a, b, intersect, json, html, level, resamples, seed, flips,
        };
        cluster.AddTo(command);
        command.SetAction((parse, cancellationToken) => console.RunAsync(async () =>
        {
            await using var outputs = new JobOutputs(cluster, parse, cancellationToken);
            var first = await EvaluatedJob.LoadAsync(await outputs.OpenAsync(parse.GetValue(a)!), cancellationToken);
            var second = await EvaluatedJob.LoadAsync(await outputs.OpenAsync(parse.GetValue(b)!), cancellationToken);
            var comparison = PairedComparison.Compare(first, second,
                new ComparisonOptions(parse.GetValue(intersect), parse.GetValue(level), parse.GetValue(resamples), parse.GetValue(seed), parse.GetValue(flips)));
            Print(console, comparison);
            if (parse.GetValue(json) is { } jsonFile)
            {
                jsonFile.Directory?.Create();
                await File.WriteAllTextAsync(jsonFile.FullName, ComparisonWriter.ToJson(comparison), cancellationToken);
                console.Out.MarkupLine($"json: [bold]{Markup.Escape(jsonFile.FullName)}[/]");
            }

            if (parse.GetValue(html) is { } htmlFile)
            {
                htmlFile.Directory?.Create();
                await File.WriteAllTextAsync(htmlFile.FullName, ComparisonWriter.ToHtml(comparison, $"SENet Eval: {comparison.AModel} (A) vs {comparison.BModel} (B)"), cancellationToken);
                console.Out.MarkupLine($"html: [bold]{Markup.Escape(htmlFile.FullName)}[/]");
            }

            return 0;
        }));
        return command;
    }

    private static void Print(CliConsole console, ModelComparison c)
    {
        var invariant = CultureInfo.InvariantCulture;
        var head = new Table().Border(TableBorder.Rounded).Title("[bold]paired comparison[/]").AddColumn("").AddColumn("").HideHeaders();
        head.AddRow("A", Markup.Escape(c.AModel == c.A ? c.A : $"{c.AModel}  ({c.A})"));
        head.AddRow("B", Markup.Escape(c.BModel == c.B ? c.B : $"{c.BModel}  ({c.B})"));
        head.AddRow("images", Markup.Escape(c.Intersected
            ? $"{c.Images:N0} shared images (--intersect; {c.OnlyInA:N0} only in A and {c.OnlyInB:N0} only in B left out)"
            : $"{c.Images:N0}, the same image set"));
        head.AddRow("method", Markup.Escape(c.Method));
        console.Out.Write(head);

        var accuracy = new Table().Border(TableBorder.Simple).AddColumns("", "A %", "B %", "B − A (points)", $"{c.Level * 100:0.##} % interval", "right only under A", "right only under B", "McNemar p");
        foreach (var d in new[] { c.Top1, c.Top5 })
        {
            accuracy.AddRow(d.Measure, d.A.ToString("F3", invariant), d.B.ToString("F3", invariant), ComparisonWriter.Points(d.Difference),
                Markup.Escape($"[{ComparisonWriter.Points(d.Low)}, {ComparisonWriter.Points(d.High)}]"), d.OnlyARight.ToString("N0", invariant), d.OnlyBRight.ToString("N0", invariant), ComparisonWriter.P(d.McNemarP));
        }

        console.Out.Write(accuracy);
        foreach (var d in new[] { c.Top1, c.Top5 })
        {
            console.Out.MarkupLine($"[bold]{Markup.Escape(ComparisonWriter.Verdict(d, c.Level))}[/]");
        }

        if (c.Calibration.Count > 0)
        {
            var calibration = new Table().Border(TableBorder.Simple).Title("calibration").AddColumns("", "A", "B", "B − A");
            foreach (var k in c.Calibration)
            {
                calibration.AddRow(k.Measure, Figure(k.A), Figure(k.B), k.Difference is { } d ? d.ToString("+0.0000;-0.0000;0", invariant) : "—");
            }

            console.Out.Write(calibration);
        }

        console.Out.MarkupLine($"calibration: {Markup.Escape(c.CalibrationNote)}");

        var classes = new Table().Border(TableBorder.Simple).Title("per-class top-1, B − A (largest losses and gains)").AddColumns("class", "images", "A %", "B %", "B − A");
        var shown = c.PerClass.Count <= 2 * Shown ? c.PerClass : [.. c.PerClass.Take(Shown), .. c.PerClass.TakeLast(Shown)];
        foreach (var p in shown)
        {
            classes.AddRow(Markup.Escape($"{p.ClassIndex} {p.Name}".TrimEnd()), p.Images.ToString(invariant), p.A.ToString("F1", invariant), p.B.ToString("F1", invariant), ComparisonWriter.Points(p.Difference));
        }

        console.Out.Write(classes);
        Flips(console, $"right under A, wrong under B: {c.Top1.OnlyARight:N0} (B's most confident first)", c.MostConfidentLosses);
        Flips(console, $"wrong under A, right under B: {c.Top1.OnlyBRight:N0} (A's most confident first)", c.MostConfidentGains);
    }

    private static void Flips(CliConsole console, string title, IReadOnlyList<ImageFlip> flips)
    {
        var invariant = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape(title)).AddColumns("image", "label", "A's top-1 (p)", "B's top-1 (p)");
        foreach (var f in flips.Take(Shown))
        {
            table.AddRow(Markup.Escape(f.Image), Markup.Escape($"{f.Label} {f.LabelName}".TrimEnd()), $"{f.ATop1} ({f.AProbability.ToString("0.000", invariant)})", $"{f.BTop1} ({f.BProbability.ToString("0.000", invariant)})");
        }

        console.Out.Write(table);
    }

    private static string Figure(double? value) => value is { } v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "not recorded";
}
