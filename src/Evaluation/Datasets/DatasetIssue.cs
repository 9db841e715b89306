namespace SENet.Evaluation.Datasets;

/// <summary>A problem of the dataset found while planning, named by image.</summary>
public sealed record DatasetIssue(string Path, DatasetIssueKind Kind, string Detail)
{
    /// <summary>Issues that leave an image of the dataset unscored, and so count as failed images.</summary>
    public bool CountsAsFailure => Kind != DatasetIssueKind.DuplicateEntry;

    public override string ToString() => $"{Path}: {Detail}";
}
