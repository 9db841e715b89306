using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SENet.Evaluation.Metrics;
using SkiaSharp;

namespace SENet.Evaluation.Tests.Metrics;

public sealed partial class HtmlReportWriterTests : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly TempFolder _folder = new();

    [Fact]
    public void TheReportIsOneSelfContainedFileWithEverySection()
    {
        var html = HtmlReportWriter.Write(SampleReport(), "SENet Eval: <sample> & co");

        Assert.Contains("SENet Eval: &lt;sample&gt; &amp; co", html);
        Assert.Contains("<svg id=\"throughput\"", html);
        Assert.Contains("<svg id=\"accuracy\"", html);
        Assert.Contains("10.0.0.4:11111 cuda:0", html);
        Assert.Contains("10.0.0.5:11111 cuda:0", html);
        Assert.Contains("bad &lt;name&gt;.jpg", html);
        Assert.Contains("class 3", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""));
    }

    [Fact]
    public async Task HeadlessChromiumRendersTheCharts()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (test.sh does)");
        var page = _folder.Write("report.html", HtmlReportWriter.Write(SampleReport(), "SENet Eval: sample"));
        var screenshot = Path.Combine(_folder.Path, "report.png");

        var start = new ProcessStartInfo(Chromium) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={Path.Combine(_folder.Path, "profile")}",
            $"--screenshot={screenshot}", "--window-size=1000,1400", new Uri(page).AbsoluteUri,
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var chromium = Process.Start(start)!;
        var stderr = chromium.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await chromium.WaitForExitAsync(timeout.Token);
        Assert.True(File.Exists(screenshot), $"no screenshot; chromium said: {await stderr}");

        using var bitmap = SKBitmap.Decode(screenshot);
        Assert.True(Pixels(bitmap, HtmlReportWriter.Palette[0]) > 300, "the first silo's throughput line did not render");
        Assert.True(Pixels(bitmap, HtmlReportWriter.Palette[1]) > 300, "the second silo's throughput line did not render");
        Assert.True(Pixels(bitmap, HtmlReportWriter.AccuracyColor) > 3000, "the per-class accuracy bars did not render");
        Assert.True(Pixels(bitmap, ReportCharts.ZeroColor) > 40, "the class at 0 % is not visible");
    }

    [Fact]
    public void TwoSilosRunningTheSameDeviceAreTwoSeriesNamedBySiloAndDevice()
    {
        var svg = Chart(HtmlReportWriter.Write(SampleReport(), "t"), "throughput");
        var texts = Texts(svg);

        Assert.Contains("10.0.0.4:11111 cuda:0", texts);
        Assert.Contains("10.0.0.5:11111 cuda:0", texts);
        Assert.Equal(2, SeriesPaths(svg).Count);
    }

    [Fact]
    public void ChartAxesHaveTicksAndTitles()
    {
        var html = HtmlReportWriter.Write(SampleReport(), "t");
        var throughput = Texts(Chart(html, "throughput"));
        var accuracy = Texts(Chart(html, "accuracy"));

        // The run lasts 20 s: ticks on the time axis, and on the rate axis from 0.
        Assert.True(throughput.Count(t => double.TryParse(t, CultureInfo.InvariantCulture, out _)) >= 6, string.Join(" | ", throughput));
        Assert.Contains("0", throughput);
        Assert.Contains("seconds since the job started", throughput);
        Assert.Contains("images/s", throughput);
        Assert.Contains("100", accuracy);
        Assert.Contains(accuracy, t => t.StartsWith("top-1 accuracy (%)", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryClassBarIsLabelledWithItsNameAndAccuracyAndAClassAtZeroIsDrawn()
    {
        var report = SampleReport();
        var svg = Chart(HtmlReportWriter.Write(report, "t"), "accuracy");
        var texts = Texts(svg);

        foreach (var c in report.PerClass)
        {
            Assert.Contains($"{c.ClassIndex} {c.Name}", texts);
            Assert.Contains($"{c.Top1Accuracy.ToString("F1", CultureInfo.InvariantCulture)} % of {c.Images}", texts);
        }

        Assert.Equal(0, report.PerClass.Single(c => c.ClassIndex == 7).Top1Accuracy);
        Assert.Contains(ReportCharts.ZeroColor, svg, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TheLegendSitsRightOfEveryLine()
    {
        var svg = Chart(HtmlReportWriter.Write(SampleReport(), "t"), "throughput");
        var rightmostPoint = SeriesPaths(svg).SelectMany(d => Numbers(d).Where((_, i) => i % 2 == 0)).Max();
        var legend = LegendText().Matches(svg).Where(m => m.Groups["text"].Value.Contains("cuda:0", StringComparison.Ordinal))
            .Select(m => double.Parse(m.Groups["x"].Value, CultureInfo.InvariantCulture)).ToList();

        Assert.Equal(2, legend.Count);
        Assert.All(legend, x => Assert.True(x > rightmostPoint, $"legend text at x={x}, a line reaches x={rightmostPoint}"));
    }

    [Fact]
    public void AReportWithoutFailuresShowsNoEmptyTable()
    {
        var html = HtmlReportWriter.Write(SampleReport() with { Failures = [] }, "t");

        Assert.DoesNotContain("<th>reason</th>", html);
        Assert.Contains("Failed images (0)</h2><p>None", html);
    }

    [Fact]
    public void ManyClassesShowTheWorstAsLabelledBars()
    {
        var counts = new TopKCounts(300);
        for (var i = 0; i < 3000; i++)
        {
            var label = i % 300;
            counts.Add(label, [i % 7 == 0 ? label : (label + 1) % 300, 0, 0, 0, 0]);
        }

        var report = EvaluationReport.Create(counts, "m", "d", "cpu", Enumerable.Range(0, 300).Select(i => $"c{i}").ToList(), [], TimeSpan.FromSeconds(1));
        var texts = Texts(Chart(HtmlReportWriter.Write(report, "t"), "accuracy"));

        Assert.Contains($"top-1 accuracy (%), the worst {ReportCharts.MaxBars} of 300 classes", texts);
        var worst = report.PerClass.OrderBy(c => c.Top1Accuracy).ThenBy(c => c.ClassIndex).Take(ReportCharts.MaxBars).Select(c => $"{c.ClassIndex} {c.Name}").ToHashSet();
        Assert.Equal(worst, texts.Where(t => Regex.IsMatch(t, @"^\d+ c\d+$")).ToHashSet());
    }

    /// <summary>The inline SVG with this id.</summary>
    private static string Chart(string html, string id)
    {
        var start = html.IndexOf($"<svg id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no chart '{id}'");
        return html[start..(html.IndexOf("</svg>", start, StringComparison.Ordinal) + "</svg>".Length)];
    }

    /// <summary>Every text the SVG shows (ScottPlot writes one text element per label, its glyphs as content).</summary>
    private static List<string> Texts(string svg) =>
        TextElement().Matches(svg).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups["text"].Value).Trim()).Where(t => t.Length > 0).ToList();

    /// <summary>The path data of the lines drawn in the palette's colours (the series; the legend's two-point samples left out).</summary>
    private static List<string> SeriesPaths(string svg) =>
        PathElement().Matches(svg).Where(m => HtmlReportWriter.Palette.Any(c => string.Equals(c, m.Groups["stroke"].Value, StringComparison.OrdinalIgnoreCase)))
            .Select(m => m.Groups["d"].Value).Where(d => Numbers(d).Count() > 4).ToList();

    private static IEnumerable<double> Numbers(string pathData) =>
        NumberPattern().Matches(pathData).Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"<text[^>]*>(?<text>[^<]*)</text>")]
    private static partial Regex TextElement();

    [GeneratedRegex(@"<text transform=""translate\((?<x>[-0-9.]+) [-0-9.]+\)""[^>]*>(?<text>[^<]*)</text>")]
    private static partial Regex LegendText();

    [GeneratedRegex(@"<path[^>]*stroke=""(?<stroke>#[0-9A-Fa-f]{6})""[^>]*d=""(?<d>[^""]*)""")]
    private static partial Regex PathElement();

    [GeneratedRegex(@"-?\d+(\.\d+)?")]
    private static partial Regex NumberPattern();

    private static int Pixels(SKBitmap bitmap, string hex)
    {
        var target = SKColor.Parse(hex);
        var count = 0;
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (Math.Abs(c.Red - target.Red) + Math.Abs(c.Green - target.Green) + Math.Abs(c.Blue - target.Blue) < 30)
                {
                    count++;
                }
            }
        }

        return count;
    }

    private static EvaluationReport SampleReport()
    {
        var counts = new TopKCounts(40);
        var random = new Random(5);
        for (var i = 0; i < 2000; i++)
        {
            var label = random.Next(40);
            // Class 7 is never predicted right: a 0 % bar.
            var predicted = label == 7 ? 8 : random.NextDouble() < 0.3 + label / 80.0 ? label : random.Next(40);
            counts.Add(label, [predicted, (predicted + 1) % 40, (predicted + 2) % 40, (predicted + 3) % 40, (predicted + 4) % 40]);
        }

        counts.AddFailures();
        // Two silos, each with its cuda:0: two series, not one.
        var timeline = Enumerable.Range(0, 40).Select(i => new ShardTiming("cuda:0", $"10.0.0.{4 + i % 2}:11111@15481397{i % 2}|cuda:0", i / 2 * 1.0, i / 2 * 1.0 + 0.9, i % 2 == 0 ? 50 + i : 20 + i)).ToList();
        return EvaluationReport.Create(counts, "seresnet50", "/data/val", "cluster: 10.0.0.4:11111 cuda:0, 10.0.0.5:11111 cuda:0",
            Enumerable.Range(0, 40).Select(i => $"class {i}").ToList(), [new ImageFailure("bad <name>.jpg", "decode", "not an image")], TimeSpan.FromSeconds(20)) with
        {
            Timeline = timeline,
            ParameterCount = 28_088_024,
            ImageSize = 224,
            CropPct = 0.875,
        };
    }

    public void Dispose() => _folder.Dispose();
}
