using System.Globalization;

namespace SENet.Evaluation.Models;

/// <summary>
/// ONNX Runtime CUDA execution provider settings (the device id comes from the device, <c>cuda:N</c>).
/// </summary>
/// <param name="ConvAlgoSearch">
/// How cuDNN picks convolution algorithms: <c>EXHAUSTIVE</c> benchmarks every candidate once per input shape (slow
/// first batch, fastest after), <c>HEURISTIC</c> asks cuDNN's heuristics, <c>DEFAULT</c> takes the default algorithm.
/// </param>
/// <param name="MaxWorkspace">Let cuDNN use as much workspace memory as its fastest algorithms want.</param>
/// <param name="MemoryLimitMb">Cap of ONNX Runtime's GPU memory arena in MiB; 0 leaves it unlimited.</param>
/// <param name="UseTf32">TensorFloat-32 for float32 convolutions and matrix products (PyTorch's cuDNN default too).</param>
public sealed record CudaSettings(string ConvAlgoSearch = "EXHAUSTIVE", bool MaxWorkspace = true, long MemoryLimitMb = 0, bool UseTf32 = true)
{
    public static IReadOnlyList<string> ConvAlgoSearchValues { get; } = ["EXHAUSTIVE", "HEURISTIC", "DEFAULT"];

    /// <summary>The provider options for <c>OrtCUDAProviderOptions.UpdateOptions</c>; refuses values the provider would reject.</summary>
    public Dictionary<string, string> ToProviderOptions(int deviceId)
    {
        var search = ConvAlgoSearch.Trim().ToUpperInvariant();
        if (!ConvAlgoSearchValues.Contains(search))
        {
            throw new ArgumentException(
                $"CUDA setting ConvAlgoSearch '{ConvAlgoSearch}' is unknown: use {string.Join(", ", ConvAlgoSearchValues)} (SENet:Devices:Cuda:CudnnConvAlgoSearch).", nameof(ConvAlgoSearch));
        }

        if (MemoryLimitMb < 0)
        {
            throw new ArgumentException($"CUDA setting MemoryLimitMb must be 0 (no limit) or positive, not {MemoryLimitMb} (SENet:Devices:Cuda:MemoryLimitMb).", nameof(MemoryLimitMb));
        }

        var options = new Dictionary<string, string>
        {
            ["device_id"] = deviceId.ToString(CultureInfo.InvariantCulture),
            ["cudnn_conv_algo_search"] = search,
            ["cudnn_conv_use_max_workspace"] = MaxWorkspace ? "1" : "0",
            ["use_tf32"] = UseTf32 ? "1" : "0",
        };
        if (MemoryLimitMb > 0)
        {
            options["gpu_mem_limit"] = (MemoryLimitMb * 1024 * 1024).ToString(CultureInfo.InvariantCulture);
        }

        return options;
    }
}
