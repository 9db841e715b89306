namespace SENet.Evaluation.Metrics;

/// <summary>The outcome of an evaluation: exact counts with the context needed to read them.</summary>
public sealed record EvaluationReport
{
    public required string Model { get; init; }

    public long ParameterCount { get; init; }

    public long? MultiplyAccumulates { get; init; }

    public required string ExecutionProvider { get; init; }

    public required string Dataset { get; init; }

    public int ImageSize { get; init; }

    public double CropPct { get; init; }

    public required string Interpolation { get; init; }

    /// <summary>The crops each image was scored on: center, or tencrop (ten softmax outputs averaged), with any SIZE@CROP_PCT.</summary>
    public string View { get; init; } = "center";

    /// <summary>Class folder layout, class subset and its convention, ImageNet-ReaL figures; null when the job used none.</summary>
    public LabelConventionsReport? Labels { get; init; }

    /// <summary>completed, cancelled or failed.</summary>
    public string State { get; init; } = "completed";

    public long Images { get; init; }

    public long Failed { get; init; }

    /// <summary>The images the job set out to evaluate; 0 in reports written before it was recorded (read: all were).</summary>
    public long ImagesTotal { get; init; }

    /// <summary>Images the run got to, scored or failed.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long ImagesEvaluated => Images + Failed;

    /// <summary>The dataset's images: <see cref="ImagesTotal"/> where recorded, else every image the run got to.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long ImagesPlanned => Math.Max(ImagesTotal, ImagesEvaluated);

    /// <summary>The state as the headlines say it: "completed", or "cancelled (partial: 320 of 450 images)".</summary>
    public string StateSummary() =>
        State == "completed" && ImagesEvaluated >= ImagesPlanned
            ? State
            : $"{State} (partial: {ImagesEvaluated.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} of {ImagesPlanned.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} images)";

    public long Top1Correct { get; init; }

    public long Top5Correct { get; init; }

    public double Top1 { get; init; }

    public double Top1Error { get; init; }

    public double Top5 { get; init; }

    public double Top5Error { get; init; }

    /// <summary>Wilson intervals of the four headline rates (null in reports written before they existed).</summary>
    public ReportIntervals? Intervals { get; init; }

    /// <summary>ECE, MCE, NLL, Brier and the reliability bins (null when the engine was given no outputs kind, and in older reports).</summary>
    public CalibrationSummary? Calibration { get; init; }

    public double DurationSeconds { get; init; }

    public double ImagesPerSecond { get; init; }

    public IReadOnlyList<ClassAccuracy> PerClass { get; init; } = [];

    public IReadOnlyList<ClassConfusion> TopConfusions { get; init; } = [];

    public IReadOnlyList<ImageFailure> Failures { get; init; } = [];

    /// <summary>What an operator should know that the counts do not say (e.g. a silo whose device could not load the model).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>When and where each shard ran (cluster jobs); the report's throughput chart.</summary>
    public IReadOnlyList<ShardTiming> Timeline { get; init; } = [];

    /// <summary>What the job ran, in enough detail to run it again (cluster jobs): digests, transform, decoders, runtime, build.</summary>
    public Reproducibility.ReproducibilityRecord? Reproducibility { get; init; }

    public static EvaluationReport Create(
        TopKCounts counts,
        string model,
        string dataset,
        string executionProvider,
        IReadOnlyList<string>? classNames = null,
        IReadOnlyList<ImageFailure>? failures = null,
        TimeSpan? duration = null,
        double confidenceLevel = WilsonInterval.DefaultLevel,
        ModelOutputs? outputs = null) =>
        new()
        {
            Model = model,
            Dataset = dataset,
            ExecutionProvider = executionProvider,
            Interpolation = "bilinear",
            Images = counts.Images,
            Failed = counts.Failed,
            ImagesTotal = counts.Images + counts.Failed,
            Top1Correct = counts.Top1Correct,
            Top5Correct = counts.Top5Correct,
            Top1 = counts.Top1Accuracy,
            Top1Error = counts.Top1Error,
            Top5 = counts.Top5Accuracy,
            Top5Error = counts.Top5Error,
            Intervals = ReportIntervals.From(counts.Images, counts.Top1Correct, counts.Top5Correct, confidenceLevel),
            Calibration = outputs is null ? null : CalibrationSummary.From(counts.Calibration, outputs),
            DurationSeconds = duration?.TotalSeconds ?? 0,
            ImagesPerSecond = duration is { TotalSeconds: > 0 } d ? (counts.Images + counts.Failed) / d.TotalSeconds : 0,
            PerClass = Enumerable.Range(0, counts.Classes)
                .Select(c => ClassAccuracy.WithIntervals(c, classNames is not null && c < classNames.Count ? classNames[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    counts.ClassImages[c], counts.ClassTop1[c], counts.ClassTop5[c], confidenceLevel))
                .ToList(),
            TopConfusions = counts.TopConfusions(20),
            Failures = failures ?? [],
        };
}
