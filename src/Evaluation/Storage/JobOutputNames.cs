namespace SENet.Evaluation.Storage;

/// <summary>Names of a job's outputs under its output prefix, shared by the workers that write and the client that fetches.</summary>
public static class JobOutputNames
{
    /// <summary>One part per shard, written whole: a retried or duplicated shard replaces its own part.</summary>
    public static string PredictionsPart(int shard) => $"predictions/shard-{shard:D6}.csv";

    public static string ShardLog(int shard) => $"logs/shard-{shard:D6}.json";

    /// <summary>
    /// A shard's failed images, one part per lease: the coordinator reads back exactly the part of the lease it merged,
    /// never a duplicate's, whose transient failures could differ.
    /// </summary>
    public static string FailuresPart(int shard, Guid lease) => $"failures/shard-{shard:D6}-{lease:N}.json";
}
