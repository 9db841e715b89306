using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;

namespace SENet.Grains.Jobs;

/// <summary>
/// The head of a job's durable state: the spec, the merged counts, the worker tallies, the in-flight leases and the
/// shard rows changed since their partitions were last written (<see cref="Overlay"/>). Its size depends on the
/// number of workers and classes, never on the number of shards or images: the shard table lives in
/// <see cref="ShardPartition"/>s, written in bulk, and each shard's failed images in the failures part its worker wrote.
/// This record is the commit point: a completion is acknowledged once a write of it holds the completion.
/// </summary>
[GenerateSerializer, Alias("senet.JobRecord")]
public sealed class JobRecord
{
    [Id(0)] public JobSpec? Spec { get; set; }

    [Id(1)] public JobState State { get; set; }

    [Id(3)] public TopKCounts? Counts { get; set; }

    /// <summary>Failures found while planning, and images failed alone by the quarantine; every shard's others are in its failures part.</summary>
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

    /// <summary>How many shards the job has; their rows are in <see cref="ShardPartition"/>s of <see cref="ShardsPerPartition"/>.</summary>
    [Id(41)] public int ShardCount { get; set; }

    [Id(42)] public int ShardsPerPartition { get; set; }

    /// <summary>Shard rows newer than their stored partition: applied over the partitions when the job is loaded.</summary>
    [Id(43)] public List<ShardRecord> Overlay { get; set; } = [];

    /// <summary>
    /// While the job plans: the last image of its last stored shard. Planning that restarts after its coordinator died
    /// lists again from the start, and checks that the listing still ends that shard with this image.
    /// </summary>
    [Id(80)] public string? PlanLastImage { get; set; }

    /// <summary>
    /// A job of several models or views: each evaluation's merged counts and model, in <see cref="JobEvaluations.Of"/>
    /// order; empty for a job of one. <see cref="Counts"/> and the model fields above are the first's, so status, the
    /// failure threshold and single-model code read the job as they always have.
    /// </summary>
    [Id(90)] public List<EvaluationRecord> Evaluations { get; set; } = [];

    /// <summary>The leases in flight when this record was written: who held what, for a coordinator that restarts.</summary>
    [Id(44)] public List<LeaseHolder> Leases { get; set; } = [];

    /// <summary>The place of this checkpoint in the job's sequence of writes; the <see cref="JobLogEntry"/>s after it follow on from it.</summary>
    [Id(100)] public long LogSeq { get; set; }

    /// <summary>Names this job's log: entries that carry another id (an earlier job of the same id) are not this job's.</summary>
    [Id(101)] public Guid LogId { get; set; }

    /// <summary>The slots of the job's log when this checkpoint was written: what a load reads (the setting may have changed since).</summary>
    [Id(102)] public int LogSlots { get; set; }

    /// <summary>
    /// Evaluation <paramref name="evaluation"/> of a job of several, read as the job of that model and view alone: its
    /// spec, counts and model. Shares everything else with this record: for building its report, not for storing.
    /// </summary>
    public JobRecord ForEvaluation(JobEvaluation evaluation)
    {
        var record = Evaluations[evaluation.Index];
        var copy = (JobRecord)MemberwiseClone();
        copy.Spec = Spec!.ForEvaluation(evaluation);
        copy.Counts = record.Counts;
        copy.ModelName = record.ModelName;
        copy.ModelParameters = record.ModelParameters;
        copy.ModelMultiplyAccumulates = record.ModelMultiplyAccumulates;
        copy.CropSize = record.CropSize;
        copy.ModelNote = record.ModelNote;
        copy.ModelSha256 = record.ModelSha256;
        copy.Outputs = record.Outputs;
        copy.OutputsSource = record.OutputsSource;
        copy.BatchSize = record.BatchSize;
        copy.Evaluations = [];
        return copy;
    }

    /// <summary>
    /// A copy that later changes do not reach, with <paramref name="overlay"/> and <paramref name="leases"/> as of now:
    /// what a commit writes is the job as it was when the commit began, while the grain goes on merging.
    /// </summary>
    /// <param name="withWorkers">False leaves <see cref="Workers"/> empty: a log entry carries only the tallies that changed.</param>
    public JobRecord Snapshot(List<ShardRecord> overlay, List<LeaseHolder> leases, bool withWorkers = true)
    {
        var copy = (JobRecord)MemberwiseClone();
        if (Counts is { } counts)
        {
            copy.Counts = new TopKCounts(counts.Classes);
            copy.Counts.Merge(counts);
        }

        copy.Failures = [.. Failures];
        copy.Decoded = new(Decoded);
        copy.ExecutionProviders = [.. ExecutionProviders];
        copy.ClassNames = [.. ClassNames];
        copy.Workers = withWorkers ? Workers.ToDictionary(w => w.Key, w => w.Value.Copy()) : [];
        copy.Evaluations = [.. Evaluations.Select(e => e.Clone())];
        copy.Overlay = overlay;
        copy.Leases = leases;
        return copy;
    }
}
