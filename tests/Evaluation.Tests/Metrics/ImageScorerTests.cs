using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;

namespace SENet.Evaluation.Tests.Metrics;

public sealed class ImageScorerTests
{
    // Eight outputs; the best logit (class 2) lies outside the subset {0, 1, 3, 4, 6, 7}.
    private static readonly float[] Logits = [0.1f, 0.5f, 3.0f, 0.2f, 1.0f, 2.5f, -1f, 0.3f];
    private static readonly int[] Subset = [0, 1, 3, 4, 6, 7];

    [Fact]
    public void MaskedScoringPicksTheBestSubsetClassWhereArgmaxPicksTheBestOutsideIt()
    {
        var masked = new ImageScorer(8, subset: new ClassSubset(Subset, 8, ClassSubsetMode.Masked));
        var argmax = new ImageScorer(8, subset: new ClassSubset(Subset, 8, ClassSubsetMode.Argmax));
        var maskedCounts = new TopKCounts(8);
        var argmaxCounts = new TopKCounts(8);

        var maskedPrediction = masked.Score(new LabelledImage("a.jpg", 4), Logits, maskedCounts);
        var argmaxPrediction = argmax.Score(new LabelledImage("a.jpg", 4), Logits, argmaxCounts);

        // By hand: within the subset the logits rank 4 (1.0), 1 (0.5), 7 (0.3), 3 (0.2), 0 (0.1); over all, 2 (3.0) first.
        Assert.Equal([4, 1, 7, 3, 0], maskedPrediction.TopClasses);
        Assert.Equal([2, 5, 4, 1, 7], argmaxPrediction.TopClasses);
        Assert.Equal((1L, 1L, 1L), (maskedCounts.Images, maskedCounts.Top1Correct, maskedCounts.Top5Correct));
        Assert.Equal((1L, 0L, 1L), (argmaxCounts.Images, argmaxCounts.Top1Correct, argmaxCounts.Top5Correct));
        Assert.Equal(1L, argmaxCounts.Confusions[(4, 2)]);

        // The masked probabilities are a softmax over the subset's logits alone.
        var subsetSum = Subset.Sum(c => Math.Exp(Logits[c]));
        Assert.Equal(Math.Exp(1.0) / subsetSum, maskedPrediction.TopProbabilities[0], 6);
        Assert.Equal(Math.Exp(3.0) / Logits.Sum(l => Math.Exp(l)), argmaxPrediction.TopProbabilities[0], 6);
    }

    [Fact]
    public void OneUnmaskedViewIsCalibratedAsTheCountsCalibrateTheModelsRow()
    {
        var scorer = new ImageScorer(8);
        var counts = new TopKCounts(8);
        var expected = new TopKCounts(8);

        scorer.Score(new LabelledImage("a.jpg", 4), Logits, counts);
        expected.Add(4, Logits, OutputKind.Logits);

        Assert.Equal(1, counts.Calibration.Images);
        Assert.True(counts.CountsEqual(expected));
    }

    [Fact]
    public void AMaskedViewIsCalibratedOnTheSoftmaxOverTheSubset()
    {
        var scorer = new ImageScorer(8, subset: new ClassSubset(Subset, 8, ClassSubsetMode.Masked));
        var counts = new TopKCounts(8);

        scorer.Score(new LabelledImage("a.jpg", 1), Logits, counts);

        // By hand: the subset's softmax ranks 4 first (confidence e^1/Σ), the label 1 has e^0.5/Σ; the masked −∞ logits
        // are not a reason to leave the image out.
        var subsetSum = Subset.Sum(c => Math.Exp(Logits[c]));
        Assert.Equal(0, counts.Calibration.Excluded);
        Assert.Equal(1, counts.Calibration.Images);
        Assert.Equal(-Math.Log(Math.Exp(0.5) / subsetSum), (double)counts.Calibration.NllSum, 6);
        Assert.Equal(Math.Exp(1.0) / subsetSum, (double)counts.Calibration.BinConfidence.Sum(), 6);
        var brier = Enumerable.Range(0, 8).Sum(c => Math.Pow((Subset.Contains(c) ? Math.Exp(Logits[c]) / subsetSum : 0) - (c == 1 ? 1 : 0), 2));
        Assert.Equal(brier, (double)counts.Calibration.BrierSum, 6);
    }

    [Fact]
    public void TenViewsAreCalibratedOnTheirAveragedProbabilitiesAndTheRawRowsDecideTheOutputsEvidence()
    {
        var random = new Random(11);
        var rows = Enumerable.Range(0, 10 * 8).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
        var scorer = new ImageScorer(8, views: 10);
        var counts = new TopKCounts(8);

        scorer.Score(new LabelledImage("a.jpg", 3), rows, counts);

        var mean = new double[8];
        for (var v = 0; v < 10; v++)
        {
            var exp = rows.Skip(v * 8).Take(8).Select(s => Math.Exp(s)).ToArray();
            for (var c = 0; c < 8; c++)
            {
                mean[c] += exp[c] / exp.Sum() / 10;
            }
        }

        Assert.Equal(-Math.Log(mean[3]), (double)counts.Calibration.NllSum, 5);
        Assert.Equal(mean.Max(), (double)counts.Calibration.BinConfidence.Sum(), 5);
        // The averaged row is a distribution, but the model's rows (logits) are not: no evidence for --outputs probabilities.
        Assert.Equal(0, counts.Calibration.DistributionRows);
    }

    [Fact]
    public void MaskedProbabilitiesAreRenormalisedOverTheSubset()
    {
        float[] probabilities = [0.05f, 0.1f, 0.5f, 0.05f, 0.2f, 0.05f, 0.03f, 0.02f];
        var scorer = new ImageScorer(8, outputsAreProbabilities: true, subset: new ClassSubset(Subset, 8, ClassSubsetMode.Masked));

        var prediction = scorer.Score(new LabelledImage("a.jpg", 1), probabilities, new TopKCounts(8));

        Assert.Equal([4, 1, 0, 3, 6], prediction.TopClasses);
        Assert.Equal(0.2 / 0.45, prediction.TopProbabilities[0], 6);
    }

    [Fact]
    public void TenViewsAreScoredAsTheMeanOfTheirSoftmaxOutputs()
    {
        var random = new Random(7);
        var rows = Enumerable.Range(0, 10 * 8).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
        var scorer = new ImageScorer(8, views: 10);
        var counts = new TopKCounts(8);

        var prediction = scorer.Score(new LabelledImage("a.jpg", 3), rows, counts);

        // By hand: each view's softmax, averaged.
        var mean = new double[8];
        for (var v = 0; v < 10; v++)
        {
            var row = rows.Skip(v * 8).Take(8).Select(x => Math.Exp(x)).ToArray();
            for (var c = 0; c < 8; c++)
            {
                mean[c] += row[c] / row.Sum() / 10;
            }
        }

        var expected = Enumerable.Range(0, 8).OrderByDescending(c => mean[c]).ThenBy(c => c).Take(5).ToArray();
        Assert.Equal(expected, prediction.TopClasses);
        Assert.Equal(mean[expected[0]], prediction.TopProbabilities[0], 6);
        Assert.Equal(expected[0] == 3 ? 1 : 0, counts.Top1Correct);
        Assert.True(scorer.ScoresAreProbabilities);
    }

    [Fact]
    public void ALabelSetCountsTop1AndTop5AgainstAnyOfItsLabelsAndSkipsEmptySets()
    {
        var scorer = new ImageScorer(8, labelSets: true);
        var counts = new TopKCounts(8);

        // Logits rank 2, 5, 4, 1, 7, 3, 0, 6.
        scorer.Score(new LabelledImage("original-right.jpg", 2, [2]), Logits, counts);
        scorer.Score(new LabelledImage("real-right.jpg", 5, [2, 5]), Logits, counts);
        scorer.Score(new LabelledImage("real-top5.jpg", 2, [7, 6]), Logits, counts);
        scorer.Score(new LabelledImage("real-wrong.jpg", 2, [6]), Logits, counts);
        scorer.Score(new LabelledImage("empty.jpg", 2, []), Logits, counts);
        scorer.Score(new LabelledImage("unlisted.jpg", 2), Logits, counts);

        Assert.Equal((6L, 5L), (counts.Images, counts.Top1Correct));
        Assert.Equal((4L, 2L, 3L, 1L, 1L), (counts.Real.Images, counts.Real.Top1Correct, counts.Real.Top5Correct, counts.Real.EmptySkipped, counts.Real.Unlisted));
        Assert.Equal(50.0, counts.Real.Top1Accuracy);
    }

    [Fact]
    public void LabelSetCountsMergeByAddition()
    {
        var whole = new TopKCounts(8);
        var parts = new[] { new TopKCounts(8), new TopKCounts(8) };
        var scorer = new ImageScorer(8, labelSets: true);
        IReadOnlyList<int>?[] sets = [[2], [], null, [5, 1], [6]];
        for (var i = 0; i < sets.Length; i++)
        {
            scorer.Score(new LabelledImage($"{i}.jpg", 1, sets[i]), Logits, whole);
            scorer.Score(new LabelledImage($"{i}.jpg", 1, sets[i]), Logits, parts[i % 2]);
        }

        parts[0].Merge(parts[1]);

        Assert.True(parts[0].CountsEqual(whole));
        Assert.Equal((3L, 1L, 1L), (whole.Real.Images, whole.Real.EmptySkipped, whole.Real.Unlisted));
    }

    [Fact]
    public void ASubsetFileNamesClassesByIndexOrByModelClassName()
    {
        var names = Enumerable.Range(0, 8).Select(i => $"n0000000{i}").ToList();

        var subset = ClassSubset.Parse("subset.txt", "# ImageNet-A style\n3\nn00000006 six\n\n1\n", 8, names, ClassSubsetMode.Masked);

        Assert.Equal([1, 3, 6], subset.Classes);
        var unknown = Assert.Throws<FormatException>(() => ClassSubset.Parse("subset.txt", "1\nsecret-token\n", 8, names, ClassSubsetMode.Masked));
        Assert.Contains("Line 2 of the class subset 'subset.txt'", unknown.Message);
        Assert.DoesNotContain("secret-token", unknown.Message);
        Assert.Contains("has 8 outputs", Assert.Throws<FormatException>(() => ClassSubset.Parse("subset.txt", "8\n", 8, names, ClassSubsetMode.Masked)).Message);
    }
}
