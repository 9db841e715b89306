using SENet.Evaluation.Metrics;

namespace SENet.Client.Benchmarks;

/// <summary>One <c>senet evaluate</c> of the shard-size benchmark: its wall time, and its report when it completed.</summary>
public sealed record ShardSizeRun(string Size, double Seconds, int ExitCode, EvaluationReport? Report, int Shards, string Errors);
