namespace SENet.Evaluation.Metrics;

/// <summary>One shard's run: on which device, from when to when (seconds since the job started), how many images.</summary>
public sealed record ShardTiming(string Device, string Worker, double StartSeconds, double EndSeconds, long Images);
