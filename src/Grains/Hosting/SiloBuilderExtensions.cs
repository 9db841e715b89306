using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.MembershipService.SiloMetadata;
using SENet.Contracts.Workers;
using SENet.Evaluation.Pipeline;
using SENet.Evaluation.Storage;
using SENet.Grains.Devices;
using SENet.Grains.Jobs;
using SENet.Grains.Placement;
using SENet.Grains.Workers;

namespace SENet.Grains.Hosting;

public static class SiloBuilderExtensions
{
    /// <summary>
    /// Everything a silo needs to host SENet's grains: device discovery advertised as silo metadata, worker placement,
    /// the silo's session pool and shard runner. <paramref name="useMemoryStorage"/> adds in-memory job storage
    /// (development and the embedded default); clusters configure a durable <see cref="StorageNames.Jobs"/> provider instead.
    /// </summary>
    public static ISiloBuilder AddSenetGrains(this ISiloBuilder silo, DeviceOptions devices, bool useMemoryStorage = true, StorageOptions? storage = null)
    {
        devices.Validate();
        var discovery = DeviceInventory.Discover(devices);
        var offered = discovery.Devices;
        silo.UseSiloMetadata(new Dictionary<string, string> { [DeviceMetadata.Key] = string.Join(',', offered) });
        silo.AddPlacementDirector<DevicePlacementStrategy, DevicePlacementDirector>();
        silo.UseOrleansStorageSerializer();
        silo.AddIncomingGrainCallFilter<SiloOnlyCallFilter>();
        // The strongly consistent directory recovers a dead silo's directory range from the silos that host the
        // activations. The default directory instead deactivates every grain whose entry lived on the dead silo, so a
        // worker silo's death restarted job coordinators from stored state, without their in-flight leases.
#pragma warning disable ORLEANSEXP003
        silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        if (useMemoryStorage)
        {
            silo.AddSenetMemoryJobStorage();
        }

        var cpuDevices = offered.Count(d => d.StartsWith("cpu", StringComparison.Ordinal));
        var cpuThreads = devices.CpuThreads > 0 ? devices.CpuThreads : cpuDevices > 0 ? Math.Max(1, Environment.ProcessorCount / cpuDevices) : 0;
        var cuda = devices.Cuda.ToSettings();
        silo.Services.AddSingleton(_ => new SessionPool
        {
            CpuThreadsPerSession = cpuThreads,
            CpuStreams = devices.SessionsFor(gpu: false),
            GpuStreams = devices.SessionsFor(gpu: true),
            Cuda = cuda,
            MaxModelBytes = (storage ?? new StorageOptions()).MaxModelBytes,
        });
        silo.Services.AddSingleton(devices);
        silo.Services.AddSingleton(discovery);
        silo.Services.AddHostedService<DeviceReport>();
        silo.Services.AddSingleton(_ => new DecodeScheduler(devices.DecodeWorkers));
        silo.Services.AddSingleton(storage ?? new StorageOptions());
        silo.Services.AddSingleton<IDatasetSourceFactory, DatasetSourceFactory>();
        silo.Services.AddSingleton(new JobStateOptions());
        silo.Services.AddSingleton<ModelCache>();
        silo.Services.AddSingleton<ShardRunner>();
        silo.Services.AddHostedService<JobResumer>();
        return silo;
    }
}
