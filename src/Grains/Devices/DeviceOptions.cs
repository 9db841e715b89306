namespace SENet.Grains.Devices;

/// <summary>Configuration section <c>SENet:Devices</c>: which devices a silo offers and how it drives them.</summary>
public sealed class DeviceOptions
{
    public const string Section = "SENet:Devices";

    /// <summary>Explicit list (e.g. <c>cuda:0,cuda:1</c> or <c>cpu:0,cpu:1</c>); empty discovers CUDA devices through the driver.</summary>
    public string? List { get; set; }

    /// <summary>CPU devices offered by a silo without a GPU; 0 makes a silo that coordinates but runs no shards.</summary>
    public int CpuDevices { get; set; } = 1;

    /// <summary>ONNX Runtime threads per CPU device; 0 shares the cores evenly between the silo's CPU devices.</summary>
    public int CpuThreads { get; set; }

    /// <summary>
    /// ONNX Runtime sessions per GPU, each with its own CUDA stream, so one batch's copies overlap another's compute;
    /// 0 is 2. A CPU device always has one (a second only splits the same cores; its batches run concurrently anyway).
    /// </summary>
    public int SessionsPerDevice { get; set; }

    /// <summary>
    /// Shards a worker runs at once: with 2, the next shard reads and decodes while the last batches of one run, so a
    /// GPU does not idle at shard boundaries; 0 is 2 on a GPU and 1 on the CPU.
    /// </summary>
    public int ShardsInFlight { get; set; }

    /// <summary>Decode workers of the whole silo, shared by all its devices; 0 is one per core of the node.</summary>
    public int DecodeWorkers { get; set; }

    /// <summary>
    /// Images each shard reads at once, the pipeline's I/O stage; 0 is 8. Blob storage, whose reads wait on the network
    /// rather than a disk, often wants more.
    /// </summary>
    public int ReadConcurrency { get; set; }

    public CudaDeviceOptions Cuda { get; set; } = new();

    public int EffectiveReadConcurrency => ReadConcurrency > 0 ? ReadConcurrency : 8;

    public int SessionsFor(bool gpu) => !gpu ? 1 : SessionsPerDevice > 0 ? SessionsPerDevice : 2;

    public int ShardsInFlightFor(bool gpu) => ShardsInFlight > 0 ? ShardsInFlight : gpu ? 2 : 1;

    /// <summary>Refuses settings that cannot work, naming the key to fix.</summary>
    public void Validate()
    {
        if (CpuDevices < 0 || CpuThreads < 0 || SessionsPerDevice < 0 || ShardsInFlight < 0 || DecodeWorkers < 0 || ReadConcurrency < 0)
        {
            throw new ArgumentException(
                $"{Section}: CpuDevices ({CpuDevices}), CpuThreads ({CpuThreads}), SessionsPerDevice ({SessionsPerDevice}), ShardsInFlight ({ShardsInFlight}), " +
                $"DecodeWorkers ({DecodeWorkers}) and ReadConcurrency ({ReadConcurrency}) must be 0 (automatic) or positive.");
        }

        _ = Cuda.ToSettings();
    }
}
