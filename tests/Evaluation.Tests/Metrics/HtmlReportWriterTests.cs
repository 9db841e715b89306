using System.Diagnostics;
using SENet.Evaluation.Metrics;
using SkiaSharp;

namespace SENet.Evaluation.Tests.Metrics;

public sealed class HtmlReportWriterTests : IDisposable
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
        Assert.Contains("cuda:0", html);
        Assert.Contains("cuda:1", html);
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
        Assert.True(Pixels(bitmap, HtmlReportWriter.Palette[0]) > 300, "the first device's throughput line did not render");
        Assert.True(Pixels(bitmap, HtmlReportWriter.Palette[1]) > 300, "the second device's throughput line did not render");
        Assert.True(Pixels(bitmap, HtmlReportWriter.AccuracyColor) > 3000, "the per-class accuracy bars did not render");
    }

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
            var predicted = random.NextDouble() < 0.3 + label / 80.0 ? label : random.Next(40);
            counts.Add(label, [predicted, (predicted + 1) % 40, (predicted + 2) % 40, (predicted + 3) % 40, (predicted + 4) % 40]);
        }

        counts.AddFailures();
        var timeline = Enumerable.Range(0, 40).Select(i => new ShardTiming(i % 2 == 0 ? "cuda:0" : "cuda:1", $"w{i % 2}", i / 2 * 1.0, i / 2 * 1.0 + 0.9, 50 + i)).ToList();
        return EvaluationReport.Create(counts, "seresnet50", "/data/val", "cluster: cuda:0, cuda:1",
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
