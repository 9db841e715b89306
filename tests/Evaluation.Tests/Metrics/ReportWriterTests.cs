using SENet.Evaluation.Metrics;

namespace SENet.Evaluation.Tests.Metrics;

public sealed class ReportWriterTests
{
    private static EvaluationReport SampleReport()
    {
        var counts = new TopKCounts(3);
        counts.Add(0, [0, 1, 2]);
        counts.Add(1, [0, 1, 2]);
        counts.Add(2, [2, 0, 1]);
        counts.AddFailures();
        return EvaluationReport.Create(counts, "seresnet50", "/data/val", "CPUExecutionProvider", ["cat", "dog", "fox"],
            [new ImageFailure("bad.jpg", "decode", "not an image")], TimeSpan.FromSeconds(2)) with
        {
            ParameterCount = 28_088_024,
            ImageSize = 224,
            CropPct = 0.875,
        };
    }

    [Fact]
    public void ResultsCsvHasTimmValidateColumns()
    {
        var lines = ReportWriter.ToResultsCsv(SampleReport()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // timm's columns first and unchanged, the intervals after them.
        Assert.StartsWith("model,top1,top1_err,top5,top5_err,param_count,img_size,crop_pct,interpolation,", lines[0]);
        Assert.StartsWith("seresnet50,66.6667,33.3333,100,0,28.09,224,0.875,bilinear,", lines[1]);
        var cells = lines[0].Split(',').Zip(lines[1].Split(',')).ToDictionary(p => p.First, p => p.Second);
        // 2 of 3 at 95 %: Wilson's bounds, written as timm rounds accuracies.
        var top1 = WilsonInterval.Percent(2, 3);
        Assert.Equal(Math.Round(top1.Low, 4).ToString(System.Globalization.CultureInfo.InvariantCulture), cells["top1_low"]);
        Assert.Equal(Math.Round(100 - top1.Low, 4).ToString(System.Globalization.CultureInfo.InvariantCulture), cells["top1_err_high"]);
        Assert.Equal("100", cells["top5_high"]);
        Assert.Equal("0", cells["top5_err_low"]);
        Assert.Equal("0.95", cells["ci_level"]);
        // How complete the run is, last.
        Assert.EndsWith(",state,images_evaluated,images_total", lines[0]);
        Assert.EndsWith(",completed,4,4", lines[1]);
    }

    [Fact]
    public void ResultsCsvHasReaLColumnsAlwaysFilledOnlyWhereLabelSetsWereGiven()
    {
        var plain = SampleReport();
        // 2 of 3 label sets hold the top-1 class: 66.6667 as timm rounds; top1 stays the original labels' figure.
        var real = plain with { Labels = new LabelConventionsReport { Real = new RealAccuracy("real.json", 3, 2, 3, 200.0 / 3, 100, 1, 0, plain.Top1, plain.Top5) } };

        var plainLines = ReportWriter.ToResultsCsv(plain).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var realLines = ReportWriter.ToResultsCsv(real).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var columns = plainLines[0].Split(',');
        string Cell(string[] lines, string column) => lines[1].Split(',')[Array.IndexOf(columns, column)];

        Assert.Equal(plainLines[0], realLines[0]);
        Assert.Contains(",ci_level,real_top1,real_top5,state,", plainLines[0]);
        Assert.Equal(("", ""), (Cell(plainLines, "real_top1"), Cell(plainLines, "real_top5")));
        Assert.Equal(("66.6667", "100"), (Cell(realLines, "real_top1"), Cell(realLines, "real_top5")));
        Assert.Equal(Cell(plainLines, "top1"), Cell(realLines, "top1"));
        Assert.Equal(columns.Length, realLines[1].Split(',').Length);
    }

    [Fact]
    public void ReportJsonNamesIntervalsAndCalibrationInSnakeCase()
    {
        var counts = new TopKCounts(3);
        counts.Add(0, [3f, 1f, 0f], OutputKind.Logits);
        counts.Add(1, [3f, 1f, 0f], OutputKind.Logits);
        var report = EvaluationReport.Create(counts, "m", "d", "CPU", ["cat", "dog", "fox"], confidenceLevel: 0.9, outputs: new ModelOutputs(OutputKind.Logits, "graph"));

        var json = ReportWriter.ToJson(report);
        var back = ReportWriter.FromJson(json);

        foreach (var name in new[] { "\"intervals\"", "\"level\": 0.9", "\"top1_accuracy\"", "\"top5_error\"", "\"low\"", "\"high\"", "\"accuracy_low\"", "\"accuracy_high\"",
                     "\"calibration\"", "\"outputs\": \"logits\"", "\"bins\": 15", "\"ece\"", "\"mce\"", "\"nll\"", "\"brier\"", "\"reliability\"", "\"confidence_sum\"", "\"correct\"" })
        {
            Assert.Contains(name, json);
        }

        Assert.Equal(report.Intervals, back.Intervals);
        Assert.Equal(WilsonInterval.Percent(1, 1, 0.9).Low, back.PerClass[0].AccuracyLow, 1e-12);
        Assert.Equal(report.Calibration!.Ece, back.Calibration!.Ece);
        Assert.Equal(report.Calibration.Reliability.Select(b => (b.Count, b.ConfidenceSum, b.Correct)), back.Calibration.Reliability.Select(b => (b.Count, b.ConfidenceSum, b.Correct)));
        var html = HtmlReportWriter.Write(report, "calibrated");
        Assert.Contains("id=\"reliability\"", html);
        Assert.Contains("90 % Wilson", html);
    }

    [Fact]
    public void ACancelledJobsResultsRowAndHeadlinesSayHowMuchOfTheDatasetItCovered()
    {
        var report = SampleReport() with { State = "cancelled", ImagesTotal = 450 };

        var lines = ReportWriter.ToResultsCsv(report).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var columns = lines[0].Split(',');
        var row = lines[1].Split(',');
        var html = HtmlReportWriter.Write(report, "cancelled");
        var back = ReportWriter.FromJson(ReportWriter.ToJson(report));

        Assert.Equal(columns.Length, row.Length);
        Assert.Equal("cancelled", row[Array.IndexOf(columns, "state")]);
        Assert.Equal("4", row[Array.IndexOf(columns, "images_evaluated")]);
        Assert.Equal("450", row[Array.IndexOf(columns, "images_total")]);
        Assert.Equal("cancelled (partial: 4 of 450 images)", report.StateSummary());
        Assert.Contains("partial: 4 of 450 images", html);
        Assert.Equal(450, back.ImagesTotal);
        Assert.Equal("completed", SampleReport().StateSummary());
    }

    [Fact]
    public void AReportWithFiguresThatAreNoFiniteNumbersIsStillWrittenAndReadBack()
    {
        var report = SampleReport() with { CropPct = double.NaN, ImagesPerSecond = double.PositiveInfinity, DurationSeconds = double.NegativeInfinity };

        var json = ReportWriter.ToJson(report);
        var back = ReportWriter.FromJson(json);

        Assert.Contains("\"crop_pct\": \"NaN\"", json);
        Assert.Contains("\"images_per_second\": \"Infinity\"", json);
        Assert.True(double.IsNaN(back.CropPct));
        Assert.Equal((double.PositiveInfinity, double.NegativeInfinity), (back.ImagesPerSecond, back.DurationSeconds));
        Assert.Equal(report.Images, back.Images);
        Assert.Contains("NaN", ReportWriter.ToResultsCsv(report));
        Assert.Contains("<svg", HtmlReportWriter.Write(report, "non-finite"));
    }

    [Fact]
    public void JsonRoundTripsWithCountsClassesAndFailures()
    {
        var report = SampleReport();

        var json = ReportWriter.ToJson(report);
        var back = ReportWriter.FromJson(json);

        Assert.Contains("\"top1_error\"", json);
        Assert.Equal((3L, 1L, 2L, 3L), (back.Images, back.Failed, back.Top1Correct, back.Top5Correct));
        Assert.Equal("dog", back.PerClass[1].Name);
        Assert.Equal(0, back.PerClass[1].Top1Correct);
        Assert.Equal(new ClassConfusion(1, 0, 1), back.TopConfusions.Single());
        Assert.Equal("not an image", back.Failures.Single().Reason);
        Assert.Equal(2.0, back.ImagesPerSecond);
    }

    [Fact]
    public void PredictionsCsvQuotesAwkwardNamesAndTurnsLogitsIntoProbabilities()
    {
        var writer = new StringWriter();
        using (var predictions = new PredictionsCsvWriter(writer))
        {
            predictions.Write(ImagePrediction.From("a, \"b\".jpg", 1, [0f, 0f, float.Log(2f)], scoresAreProbabilities: false));
            predictions.Write(ImagePrediction.From("c.jpg", 0, [1f], scoresAreProbabilities: true) with { Note = "JPEG decoded with a warning: extraneous bytes" });
        }

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(PredictionsCsvWriter.Header, lines[0]);
        // No class names: their columns stay empty.
        Assert.Equal("\"a, \"\"b\"\".jpg\",1,2,0,1,,,0.5,0.25,0.25,,,,,,,,,", lines[1]);
        Assert.Equal("c.jpg,0,0,,,,,1,,,,,JPEG decoded with a warning: extraneous bytes,,,,,,", lines[2]);
    }

    [Fact]
    public void PredictionsNameTheLabelAndEachOfTheTopClassesAndSortByImage()
    {
        var writer = new StringWriter();
        using (var predictions = new PredictionsCsvWriter(writer, ["tench", "goldfish, Carassius auratus", "shark"]))
        {
            predictions.WriteSorted(
            [
                ImagePrediction.From("b.jpg", 2, [0f, 1f, 2f], scoresAreProbabilities: false),
                ImagePrediction.From("B.jpg", 0, [2f, 0f, 1f], scoresAreProbabilities: false),
                ImagePrediction.From("a/z.jpg", 1, [0f, 1f, 2f], scoresAreProbabilities: false),
            ]);
        }

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["B.jpg", "a/z.jpg", "b.jpg"], lines.Skip(1).Select(PredictionsJoiner.FirstField));
        Assert.EndsWith(",shark,shark,\"goldfish, Carassius auratus\",tench,,", lines[3]);
        Assert.EndsWith(",\"goldfish, Carassius auratus\",shark,\"goldfish, Carassius auratus\",tench,,", lines[2]);
    }
}
