using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Pipeline;

namespace SENet.Grains.Workers;

/// <summary>
/// What one pass of a lease gave: per evaluation (in <see cref="JobEvaluations.Of"/> order) and per part (one shard, or
/// each shard of a run), its result and its predictions; the pass's decoder tally and execution provider; the job's class
/// names, for the predictions.
/// </summary>
internal sealed record PassOutcome(
    IReadOnlyList<JobEvaluation> Evaluations,
    IReadOnlyList<IReadOnlyList<EvaluationResult>> Results,
    IReadOnlyList<List<ImagePrediction>[]> Predictions,
    Dictionary<string, long> Decoded,
    string ExecutionProvider,
    IReadOnlyList<string> ClassNames);
