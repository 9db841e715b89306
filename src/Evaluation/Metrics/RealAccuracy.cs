namespace SENet.Evaluation.Metrics;

/// <summary>ImageNet-ReaL's figures beside the original ones: images scored against a non-empty label set, and how many were skipped.</summary>
public sealed record RealAccuracy(string File, long Images, long Top1Correct, long Top5Correct, double Top1, double Top5, long EmptySkipped, long Unlisted, double OriginalTop1, double OriginalTop5)
{
    public static RealAccuracy From(string file, TopKCounts counts) =>
        new(file, counts.Real.Images, counts.Real.Top1Correct, counts.Real.Top5Correct, counts.Real.Top1Accuracy, counts.Real.Top5Accuracy,
            counts.Real.EmptySkipped, counts.Real.Unlisted, counts.Top1Accuracy, counts.Top5Accuracy);
}
