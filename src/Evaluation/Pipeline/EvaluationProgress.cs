namespace SENet.Evaluation.Pipeline;

/// <summary>A snapshot of a running evaluation.</summary>
public sealed record EvaluationProgress(long Scored, long Failed, long Total, TimeSpan Elapsed)
{
    public long Done => Scored + Failed;

    public double ImagesPerSecond => Elapsed.TotalSeconds > 0 ? Done / Elapsed.TotalSeconds : 0;

    public TimeSpan? Eta => ImagesPerSecond > 0 ? TimeSpan.FromSeconds((Total - Done) / ImagesPerSecond) : null;
}
