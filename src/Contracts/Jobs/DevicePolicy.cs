namespace SENet.Contracts.Jobs;

/// <summary>Which device a job's workers run on.</summary>
[GenerateSerializer, Alias("senet.DevicePolicy")]
public enum DevicePolicy
{
    /// <summary>Each worker uses its own device: its GPU where CUDA loads, else the CPU.</summary>
    Auto,

    /// <summary>Every worker runs on the CPU.</summary>
    Cpu,
}
