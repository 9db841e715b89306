using System.Text.Json;
using SENet.Evaluation.Metrics;

namespace SENet.Evaluation.Tests.Metrics;

public sealed class CalibrationTests
{
    private const int Bins = 15;

    // Fixed logits (4 classes, no ties) and labels: confident right, confident wrong, unsure, and rows in several bins.
    private static readonly (float[] Scores, int Label)[] LogitRows =
    [
        ([4.0f, 0.5f, -1.0f, 0.2f], 0),
        ([3.1f, 2.9f, 0.0f, -2.0f], 1),
        ([0.1f, 0.3f, 0.2f, 0.0f], 2),
        ([-1.0f, 6.5f, 1.0f, 0.0f], 1),
        ([2.0f, 1.0f, 0.5f, 0.25f], 3),
        ([0.0f, 0.0f, 0.0f, 0.01f], 3),
        ([9.0f, -9.0f, 0.0f, 1.0f], 2),
        ([1.2f, 1.1f, 1.0f, 0.9f], 0),
        ([-3.0f, -2.0f, 5.0f, 4.5f], 2),
        ([0.7f, -0.2f, 2.2f, 2.1f], 3),
        ([12.0f, 0.0f, 0.0f, 0.0f], 0),
    ];

    [Fact]
    public void LogitsGiveTheFiguresOfANaiveSoftmaxComputation()
    {
        var counts = Count(LogitRows, OutputKind.Logits);

        var summary = CalibrationSummary.From(counts.Calibration, new ModelOutputs(OutputKind.Logits, "declared"));

        var expected = Reference(LogitRows.Select(r => (NaiveSoftmax(r.Scores), r.Label)).ToArray(), floor: 0);
        Assert.Equal(LogitRows.Length, summary.Images);
        Assert.Equal(expected.Ece, summary.Ece, 1e-9);
        Assert.Equal(expected.Mce, summary.Mce, 1e-9);
        Assert.Equal(expected.Nll, summary.Nll, 1e-9);
        Assert.Equal(expected.Brier, summary.Brier, 1e-9);
        Assert.Equal(expected.BinCounts, summary.Reliability.Select(b => b.Count));
        Assert.Equal(expected.BinCorrect, summary.Reliability.Select(b => b.Correct));
        Assert.Equal("logits", summary.Outputs);
        Assert.Null(summary.Note);
    }

    [Fact]
    public void ProbabilitiesAreUsedAsTheyAreAndAZeroForTheTrueClassCostsTheClippedLog()
    {
        (float[] Scores, int Label)[] rows =
        [
            ([0.7f, 0.2f, 0.1f, 0.0f], 0),
            ([0.5f, 0.5f, 0.0f, 0.0f], 1),
            ([0.9f, 0.1f, 0.0f, 0.0f], 3),
            ([0.25f, 0.25f, 0.3f, 0.2f], 2),
            ([0.05f, 0.05f, 0.1f, 0.8f], 0),
        ];
        var counts = Count(rows, OutputKind.Probabilities);

        var summary = CalibrationSummary.From(counts.Calibration, new ModelOutputs(OutputKind.Probabilities, "graph"));

        // scikit-learn's log_loss clips to float32's machine epsilon for float32 input.
        var expected = Reference(rows.Select(r => (r.Scores.Select(s => (double)s).ToArray(), r.Label)).ToArray(), floor: Math.Pow(2, -23));
        Assert.Equal(expected.Ece, summary.Ece, 1e-9);
        Assert.Equal(expected.Mce, summary.Mce, 1e-9);
        Assert.Equal(expected.Nll, summary.Nll, 1e-9);
        Assert.Equal(expected.Brier, summary.Brier, 1e-9);
        Assert.Null(summary.Note);
    }

    [Fact]
    public void EverySplitIntoShardsMergedInAnyOrderGivesIdenticalSumsAndFigures()
    {
        var random = new Random(12);
        var rows = Enumerable.Range(0, 500).Select(_ => (Enumerable.Range(0, 10).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray(), random.Next(10))).ToArray();
        var whole = Count(rows, OutputKind.Logits, classes: 10);

        // 7 shards of uneven sizes, merged last-first.
        var cuts = new[] { 0, 13, 90, 91, 250, 333, 410, 500 };
        var merged = new TopKCounts(10);
        foreach (var shard in Enumerable.Range(0, 7).Reverse())
        {
            merged.Merge(Count(rows[cuts[shard]..cuts[shard + 1]], OutputKind.Logits, classes: 10));
        }

        Assert.True(merged.CountsEqual(whole));
        var outputs = new ModelOutputs(OutputKind.Logits, "graph");
        Assert.Equal(JsonSerializer.Serialize(CalibrationSummary.From(whole.Calibration, outputs), ReportWriter.JsonOptions),
            JsonSerializer.Serialize(CalibrationSummary.From(merged.Calibration, outputs), ReportWriter.JsonOptions));
    }

    [Fact]
    public void RowsWithANonFiniteScoreAreLeftOutAndCounted()
    {
        var counts = Count([([1f, float.NaN, 0f], 0), ([2f, 1f, 0f], 0), ([float.PositiveInfinity, 0f, 0f], 0)], OutputKind.Logits, classes: 3);

        Assert.Equal(1, counts.Calibration.Images);
        Assert.Equal(2, counts.Calibration.Excluded);
        Assert.Equal(3, counts.Images);
    }

    [Fact]
    public void TheReportSaysWhenTheOutputsLookLikeTheOtherKind()
    {
        var distributions = Count([([0.7f, 0.2f, 0.1f], 0), ([0.1f, 0.1f, 0.8f], 2)], OutputKind.Logits, classes: 3);
        var logits = Count([([3f, -1f, 0.5f], 0)], OutputKind.Probabilities, classes: 3);

        Assert.Contains("--outputs probabilities", CalibrationSummary.From(distributions.Calibration, new ModelOutputs(OutputKind.Logits, "graph")).Note);
        Assert.Contains("--outputs logits", CalibrationSummary.From(logits.Calibration, new ModelOutputs(OutputKind.Probabilities, "declared")).Note);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(1.0 / 15, 0)]
    [InlineData(1.0 / 15 + 1e-9, 1)]
    [InlineData(0.5, 7)]
    [InlineData(1.0, 14)]
    public void BinsAreLeftOpenRightClosedAsGuoEtAlDefineThem(double confidence, int bin) =>
        Assert.Equal(bin, CalibrationCounts.BinOf(confidence));

    private static TopKCounts Count(IEnumerable<(float[] Scores, int Label)> rows, OutputKind outputs, int classes = 4)
    {
        var counts = new TopKCounts(classes);
        foreach (var (scores, label) in rows)
        {
            counts.Add(label, scores, outputs);
        }

        return counts;
    }

    private static double[] NaiveSoftmax(float[] logits)
    {
        var exps = logits.Select(l => Math.Exp(l)).ToArray();
        var sum = exps.Sum();
        return exps.Select(e => e / sum).ToArray();
    }

    /// <summary>ECE, MCE, NLL and Brier straight from their definitions (Guo et al. 2017; Brier 1950), one image at a time.</summary>
    private static (double Ece, double Mce, double Nll, double Brier, long[] BinCounts, long[] BinCorrect) Reference((double[] P, int Label)[] rows, double floor)
    {
        var binCounts = new long[Bins];
        var binCorrect = new long[Bins];
        var binConfidence = new double[Bins];
        double nll = 0, brier = 0;
        foreach (var (p, label) in rows)
        {
            var predicted = Array.IndexOf(p, p.Max());
            var confidence = p[predicted];
            var m = confidence <= 0 ? 0 : (int)Math.Ceiling(confidence * Bins) - 1;
            binCounts[m]++;
            binConfidence[m] += confidence;
            binCorrect[m] += predicted == label ? 1 : 0;
            nll += -Math.Log(Math.Max(p[label], floor));
            brier += p.Select((v, c) => Math.Pow(v - (c == label ? 1 : 0), 2)).Sum();
        }

        double n = rows.Length, ece = 0, mce = 0;
        for (var m = 0; m < Bins; m++)
        {
            if (binCounts[m] == 0)
            {
                continue;
            }

            var gap = Math.Abs((double)binCorrect[m] / binCounts[m] - binConfidence[m] / binCounts[m]);
            ece += binCounts[m] / n * gap;
            mce = Math.Max(mce, gap);
        }

        return (ece, mce, nll / n, brier / n, binCounts, binCorrect);
    }
}
