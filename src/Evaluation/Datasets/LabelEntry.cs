namespace SENet.Evaluation.Datasets;

/// <summary>One line of a labels file: the image, its label as an index or a class name, and where it was read.</summary>
public sealed record LabelEntry(string Path, int? Index, string? ClassName, int Line);
