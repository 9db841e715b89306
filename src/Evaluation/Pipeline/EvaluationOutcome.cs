using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;

namespace SENet.Evaluation.Pipeline;

/// <summary>One model × view of a pass over several: its report, counts and predictions (sorted by image).</summary>
public sealed record EvaluationOutcome(string Model, ViewSpec View, EvaluationReport Report, EvaluationResult Result, IReadOnlyList<ImagePrediction> Predictions);
