namespace SENet.Evaluation.Models;

/// <summary>What <see cref="ModelInspector"/> reads off an ONNX model without running it.</summary>
/// <param name="MultiplyAccumulates">Conv + Gemm/MatMul multiply-accumulates for one image; null when the graph holds an operator whose shape is not inferred.</param>
/// <param name="OutputIsProbabilities">True when the model's output comes straight from a Softmax.</param>
public sealed record ModelDescription(
    IReadOnlyList<TensorDescription> Inputs,
    IReadOnlyList<TensorDescription> Outputs,
    long Parameters,
    long? MultiplyAccumulates,
    long Opset,
    string Producer,
    bool OutputIsProbabilities,
    IReadOnlyDictionary<string, string> Metadata)
{
    public string? GetMetadata(string key) => Metadata.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
}
