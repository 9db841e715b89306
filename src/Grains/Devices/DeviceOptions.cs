namespace SENet.Grains.Devices;

/// <summary>Configuration section <c>SENet:Devices</c>: which devices a silo offers.</summary>
public sealed class DeviceOptions
{
    public const string Section = "SENet:Devices";

    /// <summary>Explicit list (e.g. <c>cuda:0,cuda:1</c> or <c>cpu:0,cpu:1</c>); empty discovers CUDA devices through the driver.</summary>
    public string? List { get; set; }

    /// <summary>CPU devices offered by a silo without a GPU; 0 makes a silo that coordinates but runs no shards.</summary>
    public int CpuDevices { get; set; } = 1;

    /// <summary>ONNX Runtime threads per CPU device; 0 shares the cores evenly between the silo's CPU devices.</summary>
    public int CpuThreads { get; set; }
}
