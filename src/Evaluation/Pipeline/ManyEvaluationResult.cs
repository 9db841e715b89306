using SENet.Evaluation.Datasets;

namespace SENet.Evaluation.Pipeline;

/// <summary>Every model × view of a pass, models first then views, in the order given; the pass's tallies; the dataset plan; the sessions the device held.</summary>
public sealed record ManyEvaluationResult(IReadOnlyList<EvaluationOutcome> Evaluations, PassResult Pass, DatasetPlan Plan, int SessionsPerDevice, long EstimatedMegabytes);
