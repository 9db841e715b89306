using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;

namespace SENet.Evaluation.Pipeline;

/// <summary>
/// One evaluation a pass serves: a model's session scoring one preprocessing (view) of every image. A pass over
/// several shares each image's read and decode, and each distinct <see cref="Preprocess"/> is computed once per image.
/// </summary>
/// <param name="Name">Names the evaluation in errors (a model, or model/view); null for a single-evaluation pass, whose errors stay as they were.</param>
/// <param name="OnPrediction">Called with each scored image's prediction, one batch at a time.</param>
public sealed record PipelineEvaluation(ClassifierSession Session, PreprocessSpec Preprocess, string? Name = null, Action<ImagePrediction>? OnPrediction = null);
