namespace SENet.Grains.Jobs;

/// <summary>How much of a job its coordinator keeps in stored state, which is written at every merged shard.</summary>
public sealed class JobStateOptions
{
    /// <summary>
    /// Failed images kept in the job's stored state. Past it, the report lists failures from the shards' failure parts
    /// (written by the workers beside the predictions), so a job with millions of failures does not rewrite them all
    /// at every shard. Failures the dataset planning found are always kept.
    /// </summary>
    public int FailuresKept { get; set; } = 10_000;
}
