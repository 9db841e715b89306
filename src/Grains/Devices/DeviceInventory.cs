using System.Runtime.InteropServices;

namespace SENet.Grains.Devices;

/// <summary>
/// The devices a silo offers: the configured list, else one per CUDA device the driver reports, else
/// <see cref="DeviceOptions.CpuDevices"/> CPU devices.
/// </summary>
public static partial class DeviceInventory
{
    public static IReadOnlyList<string> Discover(DeviceOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.List))
        {
            var listed = options.List.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var device in listed)
            {
                _ = ToInferenceDevice(device, "auto");
            }

            return listed;
        }

        var gpus = CudaDeviceCount();
        return gpus > 0
            ? Enumerable.Range(0, gpus).Select(i => $"cuda:{i}").ToList()
            : Enumerable.Range(0, Math.Max(0, options.CpuDevices)).Select(i => $"cpu:{i}").ToList();
    }

    /// <summary>The session device of a worker device under a job's device policy (<c>cpu</c> forces the CPU).</summary>
    public static Evaluation.Models.InferenceDevice ToInferenceDevice(string device, string policy)
    {
        if (policy == "cpu" || device.StartsWith("cpu", StringComparison.Ordinal))
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
