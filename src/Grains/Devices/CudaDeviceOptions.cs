using SENet.Evaluation.Models;

namespace SENet.Grains.Devices;

/// <summary>Configuration section <c>SENet:Devices:Cuda</c>: ONNX Runtime's CUDA execution provider settings for every GPU of a silo.</summary>
public sealed class CudaDeviceOptions
{
    /// <summary><c>EXHAUSTIVE</c> (benchmark cuDNN's algorithms once per shape: the fastest steady state), <c>HEURISTIC</c> or <c>DEFAULT</c>.</summary>
    public string CudnnConvAlgoSearch { get; set; } = "EXHAUSTIVE";

    /// <summary>Let cuDNN take the workspace its fastest convolution algorithms need.</summary>
    public bool MaxWorkspace { get; set; } = true;

    /// <summary>Cap of ONNX Runtime's GPU memory arena per session in MiB; 0 leaves it unlimited.</summary>
    public long MemoryLimitMb { get; set; }

    /// <summary>TensorFloat-32 for float32 convolutions (PyTorch's cuDNN default as well).</summary>
    public bool UseTf32 { get; set; } = true;

    public CudaSettings ToSettings()
    {
        var settings = new CudaSettings(CudnnConvAlgoSearch, MaxWorkspace, MemoryLimitMb, UseTf32);
        _ = settings.ToProviderOptions(0);
        return settings;
    }
}
