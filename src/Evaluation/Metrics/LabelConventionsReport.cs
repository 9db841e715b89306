namespace SENet.Evaluation.Metrics;

/// <summary>The report's account of the label conventions a job used: class folder layout, class subset, label sets.</summary>
public sealed record LabelConventionsReport
{
    /// <summary>What the class folders were recognised as (ImageFolder datasets).</summary>
    public string? ClassFolders { get; init; }

    public ClassSubsetReport? ClassSubset { get; init; }

    public RealAccuracy? Real { get; init; }

    /// <summary>Null when the job used none of them: plain ImageFolder or labels file, no subset, no label sets.</summary>
    public static LabelConventionsReport? From(TopKCounts counts, string? classFolders, string? subsetFile, ClassSubset? subset, string? realFile) =>
        classFolders is null && subset is null && realFile is null
            ? null
            : new LabelConventionsReport
            {
                ClassFolders = classFolders,
                ClassSubset = subset is null ? null : new ClassSubsetReport(subsetFile ?? "", subset.Classes.Length, subset.Mode.ToString().ToLowerInvariant()),
                Real = realFile is null ? null : RealAccuracy.From(realFile, counts),
            };
}
