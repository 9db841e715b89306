using SENet.Evaluation.Models;

namespace SENet.Evaluation.Metrics;

/// <summary>
/// What a job's output rows are, declared (<c>--outputs logits|probabilities</c>) or read off the graph (<c>auto</c>).
/// The graph decides the same way on every silo, so every shard treats the rows alike.
/// </summary>
/// <param name="Kind">Logits or Probabilities, never Auto.</param>
/// <param name="Source">declared, or graph when auto read it off the model.</param>
public sealed record ModelOutputs(OutputKind Kind, string Source)
{
    public bool AreProbabilities => Kind == OutputKind.Probabilities;

    public string Name => Kind == OutputKind.Probabilities ? "probabilities" : "logits";

    public static ModelOutputs Resolve(OutputKind declared, ModelDescription model) => declared switch
    {
        OutputKind.Auto => new ModelOutputs(model.OutputIsProbabilities ? OutputKind.Probabilities : OutputKind.Logits, "graph"),
        _ => new ModelOutputs(declared, "declared"),
    };
}
