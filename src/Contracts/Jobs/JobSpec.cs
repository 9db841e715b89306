namespace SENet.Contracts.Jobs;

/// <summary>What a user asks the cluster to evaluate. Paths are as every silo sees them (shared storage).</summary>
[GenerateSerializer, Immutable, Alias("senet.JobSpec")]
public sealed record JobSpec
{
    [Id(0)] public required string ModelPath { get; init; }

    [Id(1)] public required string DataPath { get; init; }

    /// <summary>Labels file for a flat dataset; none for ImageFolder.</summary>
    [Id(2)] public string? LabelsFile { get; init; }

    /// <summary>auto, caffe, kaggle or csv.</summary>
    [Id(3)] public string LabelFormat { get; init; } = "auto";

    [Id(4)] public string? ClassListFile { get; init; }

    [Id(5)] public string? ModelClassesFile { get; init; }

    /// <summary>fail or skip-and-report.</summary>
    [Id(6)] public string OnMissing { get; init; } = "fail";

    [Id(7)] public double CropPct { get; init; } = 0.875;

    /// <summary>bilinear or bicubic.</summary>
    [Id(8)] public string Interpolation { get; init; } = "bilinear";

    /// <summary>imagenet or caffe.</summary>
    [Id(9)] public string Normalization { get; init; } = "imagenet";

    [Id(10)] public bool FastDecode { get; init; }

    [Id(11)] public int BatchSize { get; init; } = 32;

    /// <summary>auto: each worker uses its own device (CUDA or CPU); cpu: every worker runs on the CPU.</summary>
    [Id(12)] public string DevicePolicy { get; init; } = "auto";

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

    /// <summary>auto, logits or probabilities: what the model's output rows are (auto reads it off the graph). Softmax is applied to logits only.</summary>
    [Id(50)] public string Outputs { get; init; } = "auto";

    /// <summary>The level of the report's Wilson intervals (0.95 by default).</summary>
    [Id(51)] public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>Also write one predictions.csv joining every shard's part, sorted by image, beside the parts.</summary>
    [Id(52)] public bool JoinPredictions { get; init; }
    /// <summary>center, tencrop, SIZE@CROP_PCT (e.g. 224@0.875) or either ten-cropped: the crops each image is scored on. Ids clear of others' additions.</summary>
    [Id(60)] public string View { get; init; } = "center";

    /// <summary>Several or no correct labels per image (ImageNet-ReaL's real.json), scored and reported beside the original labels.</summary>
    [Id(61)] public string? RealLabelsFile { get; init; }

    /// <summary>The model outputs the dataset covers (ImageNet-A/-R's 200 of 1,000), one output index or class name a line.</summary>
    [Id(62)] public string? ClassSubsetFile { get; init; }

    /// <summary>masked (logits outside the subset masked: the datasets' authors' convention) or argmax (over every output).</summary>
    [Id(63)] public string ClassSubsetMode { get; init; } = "masked";
}
