namespace SENet.Evaluation.Models;

/// <summary>How a <see cref="ClassifierSession"/> runs a model.</summary>
/// <param name="IntraOpThreads">Threads ONNX Runtime uses inside one operator; 0 lets it choose (one per core).</param>
/// <param name="InputSize">Height and width to feed a model whose input size is dynamic; ignored when the model fixes it.</param>
/// <param name="Cuda">CUDA execution provider settings; null takes <see cref="CudaSettings"/>' defaults.</param>
/// <param name="AllowSpinning">
/// Let ONNX Runtime's idle threads spin. Off by default: in an evaluation the decode workers share the cores, and
/// spinning threads take the time they need.
/// </param>
/// <param name="Streams">
/// ONNX Runtime sessions of the model on the device, run concurrently. On a GPU each session has its own CUDA stream,
/// so one batch's copies overlap another's compute; on the CPU one is enough.
/// </param>
/// <param name="MaxModelBytes">The largest model, external data included, that is read; larger ones are refused before reading.</param>
public sealed record ClassifierSessionOptions(
    InferenceDevice? Device = null,
    int MaxBatchSize = 32,
    int IntraOpThreads = 0,
    int InputSize = 224,
    CudaSettings? Cuda = null,
    bool AllowSpinning = false,
    int Streams = 1,
    long MaxModelBytes = ModelFiles.DefaultMaxBytes)
{
    public InferenceDevice EffectiveDevice => Device ?? InferenceDevice.Auto;
}
