namespace SENet.Evaluation.Metrics;

/// <summary>What a classifier's output row holds: logits (softmax is applied before any probability is read) or probabilities already.</summary>
public enum OutputKind
{
    /// <summary>Decided from the graph: probabilities when the output comes from a Softmax, logits otherwise.</summary>
    Auto,
    Logits,
    Probabilities,
}
