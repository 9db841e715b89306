using SENet.Grains.Devices;

namespace SENet.Cluster.Tests;

/// <summary>
/// Two silos: one with a CPU device, one offering a GPU whose configured memory limit (1 MiB) no job of several models
/// fits. The memory rule refuses before any session loads, so the GPU need not exist: no CUDA call is made.
/// </summary>
public sealed class MemoryLimitFixture : ClusterFixture
{
    public const string GpuDevice = "cuda:63";

    public const long LimitMb = 1;

    protected override short SiloCount => 2;

    public string SecondModelPath => Path.Combine(Data.Folder, "second.onnx");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await File.WriteAllBytesAsync(SecondModelPath, Evaluation.Models.SeResNetBuilder.BuildBytes(
            new Evaluation.Models.SeResNetSpec(Evaluation.Models.SeResNetArchitecture.SeResNet18, Classes: 5, InputSize: InputSize, Seed: 17)));
    }

    protected override DeviceOptions DevicesFor(string siloName) =>
        siloName.EndsWith("_1", StringComparison.Ordinal)
            ? new DeviceOptions { List = GpuDevice, Cuda = new CudaDeviceOptions { MemoryLimitMb = LimitMb } }
            : new DeviceOptions { List = "cpu:0" };
}
