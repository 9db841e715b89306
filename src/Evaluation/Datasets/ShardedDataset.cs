namespace SENet.Evaluation.Datasets;

/// <summary>A dataset planned straight into shard manifests: what the coordinator keeps of it.</summary>
public sealed record ShardedDataset(IReadOnlyList<int> ShardSizes, IReadOnlyList<string> ClassNames, int IgnoredFiles)
{
    /// <summary>The model outputs the dataset covers, read from --class-subset; null without one.</summary>
    public Metrics.ClassSubset? Subset { get; init; }

    /// <summary>What the class folders were recognised as.</summary>
    public string? FolderLayout { get; init; }

    /// <summary>What the report should say about the label conventions, when anything.</summary>
    public string? Note { get; init; }

    public long Images => ShardSizes.Sum(s => (long)s);
}
