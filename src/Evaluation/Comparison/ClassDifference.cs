namespace SENet.Evaluation.Comparison;

/// <summary>One class's top-1 accuracy under A and B on the compared images, in percent, and B − A in points.</summary>
public sealed record ClassDifference(int ClassIndex, string Name, long Images, long ACorrect, long BCorrect, double A, double B, double Difference);
