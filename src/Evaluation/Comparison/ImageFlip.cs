namespace SENet.Evaluation.Comparison;

/// <summary>An image whose top-1 verdict differs between A and B, with each model's top-1 class and its probability.</summary>
public sealed record ImageFlip(string Image, int Label, string LabelName, int ATop1, float AProbability, int BTop1, float BProbability);
