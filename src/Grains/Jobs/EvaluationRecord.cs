using SENet.Evaluation.Metrics;

namespace SENet.Grains.Jobs;

/// <summary>
/// One model × view of a job of several, in the job's durable record: its merged counts, and what the job recorded of
/// its model when it started (what a single-model job keeps in the record's own fields), so that its report is that
/// model and view's single-model job's.
/// </summary>
[GenerateSerializer, Alias("senet.EvaluationRecord")]
public sealed class EvaluationRecord
{
    [Id(0)] public TopKCounts Counts { get; set; } = null!;

    /// <summary>The model's name in its report and its folder (OUT/&lt;name&gt;/).</summary>
    [Id(1)] public string ModelName { get; set; } = "";

    [Id(2)] public long ModelParameters { get; set; }

    [Id(3)] public long? ModelMultiplyAccumulates { get; set; }

    [Id(4)] public int CropSize { get; set; }

    /// <summary>What the model changes about the job (a fixed batch size), a note of its report.</summary>
    [Id(5)] public string? ModelNote { get; set; }

    [Id(6)] public string? ModelSha256 { get; set; }

    /// <summary>logits or probabilities, resolved at start from the spec and this model's graph.</summary>
    [Id(7)] public string Outputs { get; set; } = "logits";

    [Id(8)] public string OutputsSource { get; set; } = "graph";

    [Id(9)] public int BatchSize { get; set; }

    /// <summary>A copy whose counts later merges do not reach.</summary>
    public EvaluationRecord Clone()
    {
        var copy = (EvaluationRecord)MemberwiseClone();
        copy.Counts = new TopKCounts(Counts.Classes);
        copy.Counts.Merge(Counts);
        return copy;
    }
}
