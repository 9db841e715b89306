using System.Runtime.InteropServices;
using SENet.Contracts.Jobs;

namespace SENet.Grains.Devices;

/// <summary>
/// The devices a silo offers: the configured list, else one per CUDA device the driver reports when ONNX Runtime's
/// CUDA provider loads, else <see cref="DeviceOptions.CpuDevices"/> CPU devices.
/// </summary>
public static partial class DeviceInventory
{
    public static DeviceDiscovery Discover(DeviceOptions options) =>
        Discover(options, CudaDeviceCount, () => Evaluation.Models.ClassifierSession.CudaUnavailableReason());

    /// <summary>
    /// As <see cref="Discover(DeviceOptions)"/>, with the driver's GPU count and ONNX Runtime's CUDA probe given, so
    /// that what a silo offers on a GPU node can be checked anywhere.
    /// </summary>
    internal static DeviceDiscovery Discover(DeviceOptions options, Func<int> cudaDeviceCount, Func<string?> cudaUnavailableReason)
    {
        if (!string.IsNullOrWhiteSpace(options.List))
        {
            var listed = options.List.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var device in listed)
            {
                _ = ToInferenceDevice(device, DevicePolicy.Auto);
            }

            return new DeviceDiscovery(listed, null);
        }

        var cpus = Enumerable.Range(0, Math.Max(0, options.CpuDevices)).Select(i => $"cpu:{i}").ToList();
        var gpus = cudaDeviceCount();
        if (gpus == 0)
        {
            return new DeviceDiscovery(cpus, null);
        }

        // Found devices mean "use what works": GPUs that ONNX Runtime cannot drive would fail every job they took.
        return cudaUnavailableReason() is { } reason
            ? new DeviceDiscovery(cpus, $"the driver reports {gpus} GPU(s) but ONNX Runtime's CUDA execution provider does not load ({reason}): " +
                "offering the CPU instead. Install CUDA 13 and cuDNN 9 on the library path, or list devices in SENet:Devices:List.")
            : new DeviceDiscovery(Enumerable.Range(0, gpus).Select(i => $"cuda:{i}").ToList(), null);
    }

    /// <summary>The session device of a worker device under a job's device policy (<see cref="DevicePolicy.Cpu"/> forces the CPU).</summary>
    public static Evaluation.Models.InferenceDevice ToInferenceDevice(string device, DevicePolicy policy)
    {
        if (policy == DevicePolicy.Cpu || device.StartsWith("cpu", StringComparison.Ordinal))
        {
            return Evaluation.Models.InferenceDevice.Cpu;
        }

        var parsed = Evaluation.Models.InferenceDevice.Parse(device);
        return parsed;
    }

    /// <summary>GPUs the CUDA driver sees; 0 without a driver.</summary>
    public static int CudaDeviceCount()
    {
        try
        {
            return CuInit(0) == 0 && CuDeviceGetCount(out var count) == 0 ? count : 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 0;
        }
    }

    [LibraryImport("libcuda.so.1", EntryPoint = "cuInit")]
    private static partial int CuInit(uint flags);

    [LibraryImport("libcuda.so.1", EntryPoint = "cuDeviceGetCount")]
    private static partial int CuDeviceGetCount(out int count);
}
