namespace SENet.Evaluation.Pipeline;

/// <summary>
/// What one pass over the images gave: each evaluation's result, in the order they were given, and how many reads,
/// decodes and preprocessings it took (one read and one decode an image, one preprocessing per distinct view).
/// </summary>
/// <param name="Preprocessings">Images preprocessed, summed over the distinct preprocessings.</param>
public sealed record PassResult(IReadOnlyList<EvaluationResult> Evaluations, long Reads, long Decodes, long Preprocessings, TimeSpan Duration);
