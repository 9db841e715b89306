namespace SENet.Evaluation.Storage;

/// <summary>Names of a job's outputs under its output prefix, shared by the workers that write and the client that fetches.</summary>
public static class JobOutputNames
{
    /// <summary>One part per shard, written whole: a retried or duplicated shard replaces its own part.</summary>
    public static string PredictionsPart(int shard) => $"predictions/shard-{shard:D6}.csv";

    /// <summary>The predictions of one range of a quarantined shard, joined into the shard's part when every range is settled.</summary>
    public static string PredictionsRangePart(int shard, int start, int count) => $"predictions/quarantine/shard-{shard:D6}-{start:D6}-{count:D6}.csv";

    public static string ShardLog(int shard) => $"logs/shard-{shard:D6}.json";

    /// <summary>
    /// A shard's failed images, one part per lease: the coordinator reads back exactly the part of the lease it merged,
    /// never a duplicate's, whose transient failures could differ.
    /// </summary>
    public static string FailuresPart(int shard, Guid lease) => $"failures/shard-{shard:D6}-{lease:N}.json";

    /// <summary>The output location's owner: created once, if absent, holding the id of the one job that writes there.</summary>
    public const string Marker = ".senet-job";

    /// <summary>What a job writes: replacing an ended job's outputs deletes these, and nothing else in the location.</summary>
    public static IReadOnlyList<string> Files { get; } = ["report.json", "results.csv", "report.html", JoinedPredictions];

    /// <summary>Every shard's predictions in one file sorted by image, written when the job asks for it (--predictions-csv).</summary>
    public const string JoinedPredictions = "predictions.csv";

    public static IReadOnlyList<string> Folders { get; } = ["predictions", "logs", "failures", "manifest"];
}
