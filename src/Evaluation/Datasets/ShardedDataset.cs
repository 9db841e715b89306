namespace SENet.Evaluation.Datasets;

/// <summary>A dataset planned straight into shard manifests: what the coordinator keeps of it.</summary>
public sealed record ShardedDataset(IReadOnlyList<int> ShardSizes, IReadOnlyList<string> ClassNames, int IgnoredFiles)
{
    public long Images => ShardSizes.Sum(s => (long)s);
}
