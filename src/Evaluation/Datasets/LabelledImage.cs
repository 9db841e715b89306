namespace SENet.Evaluation.Datasets;

/// <summary>An image of the dataset (path relative to the source) with its label in the model's class order.</summary>
public sealed record LabelledImage(string Path, int Label);
