using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Reproducibility;

namespace SENet.Evaluation.Tests.Reproducibility;

public sealed class RerunCheckTests
{
    private static EvaluationReport Report(int[] labels, int[] predicted, string modelSha = "aa")
    {
        var counts = new TopKCounts(3);
        for (var i = 0; i < labels.Length; i++)
        {
            counts.Add(labels[i], [predicted[i], (predicted[i] + 1) % 3, (predicted[i] + 2) % 3]);
        }

        return EvaluationReport.Create(counts, "m", "/data", "cpu", ["a", "b", "c"]) with
        {
            Reproducibility = new ReproducibilityRecord
            {
                ModelLocation = "/m.onnx",
                ModelSha256 = modelSha,
                DatasetLocation = "/data",
                Preprocessing = PreprocessingRecord.From(new PreprocessSpec()),
                OnnxRuntimeVersion = "1.31.0",
                ProjectVersion = "1.0.0",
                Commit = "abc",
            },
        };
    }

    [Fact]
    public void IdenticalCountsAreIdentical()
    {
        var outcome = RerunCheck.Compare(Report([0, 1, 2], [0, 1, 1]), Report([0, 1, 2], [0, 1, 1]));

        Assert.True(outcome.Identical);
        Assert.Empty(outcome.Changes);
    }

    [Fact]
    public void ADifferentCountIsNamedWithBothValuesAndAChangedModelIsSaid()
    {
        var outcome = RerunCheck.Compare(Report([0, 1, 2], [0, 1, 1]), Report([0, 1, 2], [0, 1, 2], modelSha: "bb"));

        Assert.False(outcome.Identical);
        Assert.Contains("top-1 correct: 2 in the report, 3 in the rerun", outcome.Differences);
        Assert.Contains(outcome.Differences, d => d.StartsWith("per-class counts differ in 1 of 3 classes (first: class 2 c)", StringComparison.Ordinal));
        Assert.Contains("model sha256: aa in the report, bb in the rerun", outcome.Changes);
    }
}
