using SENet.Evaluation.Datasets;

namespace SENet.Grains.Jobs;

/// <summary>What a finished listing tells the job: its class names in model order, what was wrong with the dataset, and the image list's digest.</summary>
public sealed record PlanOutcome(IReadOnlyList<string> ClassNames, IReadOnlyList<DatasetIssue> Issues, string ManifestSha256, long ManifestImages, string? LabelsSha256);
