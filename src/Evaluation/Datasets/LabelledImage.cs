namespace SENet.Evaluation.Datasets;

/// <summary>An image of the dataset (path relative to the source) with its label in the model's class order.</summary>
/// <param name="RealLabels">Every correct label (ImageNet-ReaL), in the model's order: null when the job has no label sets or the file does not list the image, empty when none is right.</param>
public sealed record LabelledImage(string Path, int Label, IReadOnlyList<int>? RealLabels = null);
