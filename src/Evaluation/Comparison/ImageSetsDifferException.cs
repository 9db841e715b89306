namespace SENet.Evaluation.Comparison;

/// <summary>A and B were not scored on the same images (or label them differently): a paired comparison is refused, with the reason.</summary>
public sealed class ImageSetsDifferException(string message) : InvalidOperationException(message);
