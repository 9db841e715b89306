namespace SENet.Evaluation.Datasets;

/// <summary>The images to evaluate with their labels (in model order), the dataset's class names, and what was wrong.</summary>
public sealed record DatasetPlan(
    string Source,
    IReadOnlyList<LabelledImage> Images,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<DatasetIssue> Issues,
    int IgnoredFiles)
{
    /// <summary>The model outputs the dataset covers, read from --class-subset; null without one.</summary>
    public Metrics.ClassSubset? Subset { get; init; }

    /// <summary>What the class folders were recognised as (ImageFolder datasets).</summary>
    public string? FolderLayout { get; init; }

    /// <summary>What the report should say about the label conventions, when anything.</summary>
    public string? Note { get; init; }

    /// <summary>Images of the dataset that will not be scored because of an issue.</summary>
    public int UnscorableImages => Issues.Count(i => i.CountsAsFailure);
}
