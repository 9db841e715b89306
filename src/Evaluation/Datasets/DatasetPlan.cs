namespace SENet.Evaluation.Datasets;

/// <summary>The images to evaluate with their labels (in model order), the dataset's class names, and what was wrong.</summary>
public sealed record DatasetPlan(
    string Source,
    IReadOnlyList<LabelledImage> Images,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<DatasetIssue> Issues,
    int IgnoredFiles)
{
    /// <summary>Images of the dataset that will not be scored because of an issue.</summary>
    public int UnscorableImages => Issues.Count(i => i.CountsAsFailure);
}
