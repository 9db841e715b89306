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

    public long Top1Correct { get; init; }

    public long Top5Correct { get; init; }

    public double Top1 { get; init; }

    public double Top1Error { get; init; }

    public double Top5 { get; init; }

    public double Top5Error { get; init; }

    public double DurationSeconds { get; init; }

    public double ImagesPerSecond { get; init; }

    public IReadOnlyList<ClassAccuracy> PerClass { get; init; } = [];

    public IReadOnlyList<ClassConfusion> TopConfusions { get; init; } = [];

    public IReadOnlyList<ImageFailure> Failures { get; init; } = [];

    /// <summary>What an operator should know that the counts do not say (e.g. a silo whose device could not load the model).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>When and where each shard ran (cluster jobs); the report's throughput chart.</summary>
    public IReadOnlyList<ShardTiming> Timeline { get; init; } = [];

    public static EvaluationReport Create(
        TopKCounts counts,
        string model,
        string dataset,
        string executionProvider,
        IReadOnlyList<string>? classNames = null,
        IReadOnlyList<ImageFailure>? failures = null,
        TimeSpan? duration = null) =>
        new()
        {
            Model = model,
            Dataset = dataset,
            ExecutionProvider = executionProvider,
            Interpolation = "bilinear",
            Images = counts.Images,
            Failed = counts.Failed,
            Top1Correct = counts.Top1Correct,
            Top5Correct = counts.Top5Correct,
            Top1 = counts.Top1Accuracy,
            Top1Error = counts.Top1Error,
            Top5 = counts.Top5Accuracy,
            Top5Error = counts.Top5Error,
            DurationSeconds = duration?.TotalSeconds ?? 0,
            ImagesPerSecond = duration is { TotalSeconds: > 0 } d ? (counts.Images + counts.Failed) / d.TotalSeconds : 0,
            PerClass = Enumerable.Range(0, counts.Classes)
                .Select(c => new ClassAccuracy(c, classNames is not null && c < classNames.Count ? classNames[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture), counts.ClassImages[c], counts.ClassTop1[c], counts.ClassTop5[c]))
                .ToList(),
            TopConfusions = counts.TopConfusions(20),
            Failures = failures ?? [],
        };
}
