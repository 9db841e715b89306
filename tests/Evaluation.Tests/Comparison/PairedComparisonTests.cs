using System.Text.Json.Nodes;
using SENet.Evaluation.Comparison;
using SENet.Evaluation.Metrics;

namespace SENet.Evaluation.Tests.Comparison;

public sealed class PairedComparisonTests
{
    private static ImagePrediction Row(string image, int label, int top1, float probability = 0.5f) =>
        new(image, label, [top1, (top1 + 1) % 10, (top1 + 2) % 10, (top1 + 3) % 10, (top1 + 4) % 10], [probability, 0.1f, 0.05f, 0.02f, 0.01f]);

    private static EvaluatedJob Job(string name, IEnumerable<ImagePrediction> rows, JsonObject? report = null) => new(name, report, rows.ToList());

    [Fact]
    public void RefusesDifferentImageSetsNamingWhatDiffers()
    {
        var a = Job("runs/a", [Row("x.jpg", 0, 0), Row("y.jpg", 1, 1), Row("z.jpg", 2, 2)]);
        var b = Job("runs/b", [Row("x.jpg", 0, 0), Row("y.jpg", 1, 1), Row("w.jpg", 2, 2)]);

        var refused = Assert.Throws<ImageSetsDifferException>(() => PairedComparison.Compare(a, b));

        Assert.Contains("not scored on the same images", refused.Message);
        Assert.Contains("1 only in A (e.g. 'z.jpg')", refused.Message);
        Assert.Contains("1 only in B (e.g. 'w.jpg')", refused.Message);
        Assert.Contains("2 in both", refused.Message);
        Assert.Contains("--intersect", refused.Message);
    }

    [Fact]
    public void IntersectComparesTheSharedImagesAndCountsThem()
    {
        var a = Job("a", [Row("x.jpg", 0, 0), Row("y.jpg", 1, 1), Row("z.jpg", 2, 2)]);
        var b = Job("b", [Row("x.jpg", 0, 0), Row("y.jpg", 1, 5), Row("w.jpg", 2, 2), Row("v.jpg", 2, 2)]);

        var c = PairedComparison.Compare(a, b, new ComparisonOptions(Intersect: true));

        Assert.Equal(2, c.Images);
        Assert.Equal(1, c.OnlyInA);
        Assert.Equal(2, c.OnlyInB);
        Assert.True(c.Intersected);
        Assert.Equal(1, c.Top1.OnlyARight);
        Assert.Equal(0, c.Top1.OnlyBRight);
    }

    [Fact]
    public void RefusalSaysWhenTheOtherJobFailedTheMissingImages()
    {
        var report = new JsonObject { ["failures"] = new JsonArray(new JsonObject { ["image_id"] = "z.jpg", ["stage"] = "decode", ["reason"] = "truncated" }) };
        var a = Job("a", [Row("x.jpg", 0, 0), Row("z.jpg", 2, 2)]);
        var b = Job("b", [Row("x.jpg", 0, 0)], report);

        var refused = Assert.Throws<ImageSetsDifferException>(() => PairedComparison.Compare(a, b));

        Assert.Contains("the other job failed 1 of them", refused.Message);
    }

    [Fact]
    public void RefusesSharedImagesLabelledDifferently()
    {
        var a = Job("a", [Row("x.jpg", 0, 0), Row("y.jpg", 1, 1)]);
        var b = Job("b", [Row("x.jpg", 0, 0), Row("y.jpg", 3, 1)]);

        var refused = Assert.Throws<ImageSetsDifferException>(() => PairedComparison.Compare(a, b, new ComparisonOptions(Intersect: true)));

        Assert.Contains("'y.jpg': 1 in A, 3 in B", refused.Message);
    }

    [Fact]
    public void CountsDiscordantImagesPerClassDifferencesAndConfidentFlips()
    {
        // 10 images of 2 classes. A right on 0-5; B right on 2-8. So B loses 0,1 and gains 6,7,8.
        var labels = Enumerable.Range(0, 10).Select(i => i % 2).ToArray();
        var a = Job("a", Enumerable.Range(0, 10).Select(i => Row($"img{i}.jpg", labels[i], i <= 5 ? labels[i] : 9, 0.1f * (i + 1) - 0.05f)));
        var b = Job("b", Enumerable.Range(0, 10).Select(i => Row($"img{i}.jpg", labels[i], i is >= 2 and <= 8 ? labels[i] : 7, 0.09f * (10 - i))));

        var c = PairedComparison.Compare(a, b, new ComparisonOptions(FlipsListed: 2));

        Assert.Equal(10, c.Images);
        Assert.Equal((6, 7, 2, 3), (c.Top1.ACorrect, c.Top1.BCorrect, c.Top1.OnlyARight, c.Top1.OnlyBRight));
        Assert.Equal(10.0, c.Top1.Difference, 9);
        Assert.Equal(McNemarTest.ExactTwoSidedP(2, 3), c.Top1.McNemarP);
        // Class 0: images 0,2,4,6,8: A right 0,2,4 (3); B right 2,4,6,8 (4). Class 1: 1,3,5,7,9: A 1,3,5 (3); B 3,5,7 (3).
        Assert.Equal([1, 0], c.PerClass.Select(p => p.ClassIndex));
        Assert.Equal(0.0, c.PerClass[0].Difference, 9);
        Assert.Equal(20.0, c.PerClass[1].Difference, 9);
        // Losses (A right, B wrong): img0 (B's probability 0.9) before img1 (0.81). Gains: A's most confident first: img8, img7.
        Assert.Equal(["img0.jpg", "img1.jpg"], c.MostConfidentLosses.Select(f => f.Image));
        Assert.Equal(["img8.jpg", "img7.jpg"], c.MostConfidentGains.Select(f => f.Image));
        Assert.Equal(7, c.MostConfidentLosses[0].BTop1);
        Assert.Contains("paired bootstrap", c.Method);
        Assert.Contains("McNemar", c.Method);
    }

    [Fact]
    public void CalibrationIsReadWhereReportsRecordItAndSaidNotRecordedWhereNot()
    {
        var rows = new[] { Row("x.jpg", 0, 0), Row("y.jpg", 1, 1) };
        JsonObject Report(double ece) => new() { ["calibration"] = new JsonObject { ["outputs"] = "logits", ["bins"] = 15, ["ece"] = ece, ["mce"] = 0.2, ["nll"] = 1.5, ["brier"] = 0.4 } };

        var none = PairedComparison.Compare(Job("a", rows), Job("b", rows));
        var both = PairedComparison.Compare(Job("a", rows, Report(0.05)), Job("b", rows, Report(0.08)));
        var one = PairedComparison.Compare(Job("a", rows, Report(0.05)), Job("b", rows));

        Assert.Empty(none.Calibration);
        Assert.StartsWith("not recorded", none.CalibrationNote);
        Assert.Equal(0.03, both.Calibration.Single(k => k.Measure == "ece").Difference!.Value, 12);
        Assert.Null(one.Calibration.Single(k => k.Measure == "ece").Difference);
        Assert.Contains("B's report does not record calibration", one.CalibrationNote);
    }

    [Fact]
    public void JsonRoundTripsAndTheHtmlPageNamesTheVerdict()
    {
        var rows = Enumerable.Range(0, 50).Select(i => Row($"i{i}.jpg", 0, i % 3 == 0 ? 1 : 0)).ToList();
        var better = Enumerable.Range(0, 50).Select(i => Row($"i{i}.jpg", 0, 0)).ToList();
        var c = PairedComparison.Compare(Job("a", rows), Job("b", better));

        var back = ComparisonWriter.FromJson(ComparisonWriter.ToJson(c));
        var html = ComparisonWriter.ToHtml(c, "a vs b");

        Assert.Equal(c.Top1, back.Top1);
        Assert.Contains("\"mcnemar_p\"", ComparisonWriter.ToJson(c));
        Assert.Contains("top-1: B is better by +34.000 points", html);
        Assert.DoesNotContain("<script", html);
    }
}
