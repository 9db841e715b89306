namespace SENet.Evaluation.Datasets;

/// <summary>How a model class list reorders a dataset's classes: each dataset class's model output, and the model's class names in output order.</summary>
public sealed record ModelClassOrder(int[] DatasetToModel, IReadOnlyList<string> ModelClassNames);
