using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;

namespace SENet.Contracts.Jobs;

/// <summary>
/// What a user asks the cluster to evaluate. Paths are as every silo sees them (shared storage). Settings are typed:
/// the CLI parses their names once (<see cref="JobSpecRules"/>' choices), and nothing after it maps strings.
/// </summary>
/// <remarks>
/// Ids 3, 6, 8, 9, 12, 50, 60 and 63 held these settings as strings; they are retired, never to be reused. A spec
/// stored with them reads those settings as their defaults, so job records stored before the typed spec are not
/// supported (their shard table's shape had already changed).
/// </remarks>
[GenerateSerializer, Immutable, Alias("senet.JobSpec")]
public sealed record JobSpec
{
    /// <summary>The model; with <see cref="Models"/>, the first of them.</summary>
    [Id(0)] public required string ModelPath { get; init; }

    /// <summary>
    /// Several models scored in one pass (each image read and decoded once for all), each counted and reported on its
    /// own under OUT/&lt;name&gt;/; empty for the one model at <see cref="ModelPath"/>. When set, its first is <see cref="ModelPath"/>.
    /// </summary>
    [Id(90)] public IReadOnlyList<JobModel> Models { get; init; } = [];

    /// <summary>Several views of each model in one pass (each distinct preprocessing computed once); empty for <see cref="View"/> alone. When set, its first is <see cref="View"/>.</summary>
    [Id(91)] public IReadOnlyList<ViewSpec> Views { get; init; } = [];

    [Id(1)] public required string DataPath { get; init; }

    /// <summary>Labels file for a flat dataset; none for ImageFolder.</summary>
    [Id(2)] public string? LabelsFile { get; init; }

    [Id(80)] public LabelFormat LabelFormat { get; init; } = LabelFormat.Auto;

    [Id(4)] public string? ClassListFile { get; init; }

    [Id(5)] public string? ModelClassesFile { get; init; }

    [Id(81)] public MissingPolicy OnMissing { get; init; } = MissingPolicy.Fail;

    [Id(7)] public double CropPct { get; init; } = 0.875;

    [Id(82)] public Interpolation Interpolation { get; init; } = Interpolation.Bilinear;

    [Id(83)] public Normalization Normalization { get; init; } = Normalization.ImageNet;

    [Id(10)] public bool FastDecode { get; init; }

    [Id(11)] public int BatchSize { get; init; } = 32;

    [Id(84)] public DevicePolicy DevicePolicy { get; init; } = DevicePolicy.Auto;

    /// <summary>Folder for report.json, results.csv, predictions parts and the shard manifest; null keeps them in a temporary folder.</summary>
    [Id(13)] public string? OutputFolder { get; init; }

    [Id(14)] public FailureThreshold MaxFailed { get; init; } = FailureThreshold.None;

    [Id(15)] public int ShardSize { get; init; } = 256;

    /// <summary>
    /// --shard-size auto: the dataset is planned in shards of <see cref="AutoBaseShardSize"/>, and each lease carries a run
    /// of consecutive shards sized so that it takes about 10 s on the device that leases it (from its measured images/s),
    /// shrinking near the end so the tail finishes together. <see cref="ShardSize"/> is then the base size.
    /// </summary>
    [Id(70)] public bool AutoShardSize { get; init; }

    /// <summary>The shard size an auto job plans; leases carry runs of these.</summary>
    public const int AutoBaseShardSize = 64;

    [Id(16)] public TimeSpan LeaseTimeout { get; init; } = TimeSpan.FromSeconds(60);

    [Id(17)] public string? Name { get; init; }

    [Id(18)] public long MaxPixels { get; init; } = 178_956_970;

    /// <summary>At the tail, let idle workers run duplicates of the slowest shards (first completion wins).</summary>
    [Id(19)] public bool TailDuplicates { get; init; } = true;

    /// <summary>
    /// Replace the outputs of the ended job that holds <see cref="OutputFolder"/> (its parts are deleted first);
    /// without it a location that holds another job is refused. A running job's location is never taken.
    /// </summary>
    [Id(20)] public bool Overwrite { get; init; }

    /// <summary>Image files longer than this fail, each alone, before they are read (256 MiB by default).</summary>
    [Id(31)] public long MaxFileBytes { get; init; } = 268_435_456;

    /// <summary>What the model's output rows are (auto reads it off the graph). Softmax is applied to logits only.</summary>
    [Id(85)] public OutputKind Outputs { get; init; } = OutputKind.Auto;

    /// <summary>The level of the report's Wilson intervals (0.95 by default).</summary>
    [Id(51)] public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>Also write one predictions.csv joining every shard's part, sorted by image, beside the parts.</summary>
    [Id(52)] public bool JoinPredictions { get; init; }
    /// <summary>The crops each image is scored on: the centre crop, ten crops, or a crop whose size and crop_pct are given (224@0.875).</summary>
    [Id(86)] public ViewSpec View { get; init; } = ViewSpec.Center;

    /// <summary>Several or no correct labels per image (ImageNet-ReaL's real.json), scored and reported beside the original labels.</summary>
    [Id(61)] public string? RealLabelsFile { get; init; }

    /// <summary>The model outputs the dataset covers (ImageNet-A/-R's 200 of 1,000), one output index or class name a line.</summary>
    [Id(62)] public string? ClassSubsetFile { get; init; }

    /// <summary>Masked (logits outside the subset masked: the datasets' authors' convention) or argmax (over every output).</summary>
    [Id(87)] public ClassSubsetMode ClassSubsetMode { get; init; } = ClassSubsetMode.Masked;
}
