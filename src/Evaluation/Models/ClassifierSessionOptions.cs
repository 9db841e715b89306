namespace SENet.Evaluation.Models;

/// <summary>How a <see cref="ClassifierSession"/> runs a model.</summary>
/// <param name="IntraOpThreads">Threads ONNX Runtime uses inside one operator; 0 lets it choose (one per core).</param>
/// <param name="InputSize">Height and width to feed a model whose input size is dynamic; ignored when the model fixes it.</param>
/// <param name="CudaOptions">Extra CUDA execution provider options (e.g. cudnn_conv_algo_search, gpu_mem_limit).</param>
/// <param name="AllowSpinning">
/// Let ONNX Runtime's idle threads spin. Off by default: in an evaluation the decode workers share the cores, and
/// spinning threads take the time they need.
/// </param>
public sealed record ClassifierSessionOptions(
    InferenceDevice? Device = null,
    int MaxBatchSize = 32,
    int IntraOpThreads = 0,
    int InputSize = 224,
    IReadOnlyDictionary<string, string>? CudaOptions = null,
    bool AllowSpinning = false)
{
    public InferenceDevice EffectiveDevice => Device ?? InferenceDevice.Auto;
}
