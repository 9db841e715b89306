using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;

namespace SENet.Grains.Jobs;

/// <summary>
/// A job's durable state: the spec, the shard table and the merged counts. It grows with the number of shards and
/// failures, never with the number of images; leases are soft state and are re-issued after a restart.
/// </summary>
[GenerateSerializer, Alias("senet.JobRecord")]
public sealed class JobRecord
{
    [Id(0)] public JobSpec? Spec { get; set; }

    [Id(1)] public JobState State { get; set; }

    [Id(2)] public List<ShardRecord> Shards { get; set; } = [];

    [Id(3)] public TopKCounts? Counts { get; set; }

    [Id(4)] public List<ImageFailure> Failures { get; set; } = [];

    [Id(5)] public List<string> ClassNames { get; set; } = [];

    [Id(6)] public long TotalImages { get; set; }

    [Id(7)] public DateTime StartedUtc { get; set; }

    [Id(8)] public DateTime? FinishedUtc { get; set; }

    [Id(9)] public string? Error { get; set; }

    [Id(10)] public Dictionary<string, WorkerTally> Workers { get; set; } = [];

    [Id(11)] public int ShardsRetried { get; set; }

    [Id(12)] public int DuplicateLeases { get; set; }

    [Id(13)] public int IgnoredCompletions { get; set; }

    [Id(14)] public string ModelName { get; set; } = "";

    [Id(15)] public long ModelParameters { get; set; }

    [Id(16)] public long? ModelMultiplyAccumulates { get; set; }

    [Id(17)] public int CropSize { get; set; }

    [Id(18)] public string ExecutionProvider { get; set; } = "";

    [Id(19)] public int LeasesReclaimed { get; set; }

    /// <summary>W3C traceparent of the job's span.</summary>
    [Id(20)] public string? TraceParent { get; set; }

    /// <summary>When and where each shard ran: the throughput-over-time chart of the report.</summary>
    [Id(21)] public List<ShardTiming> Timeline { get; set; } = [];

    /// <summary>
    /// Set once the shards' failed images outgrew what <see cref="Failures"/> keeps: the report then reads every
    /// merged shard's failures part, so the stored state grows with shards, not images.
    /// </summary>
    [Id(22)] public bool FailuresInParts { get; set; }

    /// <summary>What the model changes about the job (a fixed batch size overriding the one asked for); a note of the report. A high id, clear of others' additions.</summary>
    [Id(40)] public string? ModelNote { get; set; }

    /// <summary>SHA-256 of the model file, taken when the job started: the reproducibility record's.</summary>
    [Id(50)] public string? ModelSha256 { get; set; }

    /// <summary>SHA-256 of the image list (names and labels, dataset order) and its length.</summary>
    [Id(51)] public string? ManifestSha256 { get; set; }

    [Id(52)] public long ManifestImages { get; set; }

    /// <summary>SHA-256 of the labels file's text; null for an ImageFolder dataset.</summary>
    [Id(53)] public string? LabelsSha256 { get; set; }

    /// <summary>Images decoded by format and decoder, merged from every merged shard.</summary>
    [Id(54)] public Dictionary<string, long> Decoded { get; set; } = [];

    /// <summary>Each execution provider that scored a merged shard, with its settings.</summary>
    [Id(55)] public List<string> ExecutionProviders { get; set; } = [];

    /// <summary>The batch size the workers run (a model's fixed batch dimension overrides the spec's).</summary>
    [Id(56)] public int BatchSize { get; set; }

    /// <summary>What the model's output rows were taken for (logits or probabilities), resolved once at start from the spec and the graph.</summary>
    [Id(57)] public string Outputs { get; set; } = "logits";

    /// <summary>declared or graph: where <see cref="Outputs"/> came from.</summary>
    [Id(58)] public string OutputsSource { get; set; } = "graph";
}
