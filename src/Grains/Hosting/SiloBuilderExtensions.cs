using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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
    /// The grains read <see cref="DeviceOptions"/>, <see cref="StorageOptions"/> and <see cref="JobStateOptions"/> through
    /// <see cref="IOptions{TOptions}"/>: <paramref name="devices"/> and <paramref name="storage"/> are their starting values
    /// (the silo's shape, its advertised devices, is decided from them now), and <c>Configure&lt;T&gt;</c> changes the rest.
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
        silo.Services.AddGivenOptions(devices);
        silo.Services.AddSingleton(discovery);
        silo.Services.AddHostedService<DeviceReport>();
        silo.Services.AddSingleton(_ => new DecodeScheduler(devices.DecodeWorkers));
        silo.Services.AddGivenOptions(storage ?? new StorageOptions());
        // The engine knows no options pattern: it takes the values.
        silo.Services.AddSingleton<IDatasetSourceFactory>(services => new DatasetSourceFactory(services.GetRequiredService<IOptions<StorageOptions>>().Value));
        silo.Services.AddOptions<JobStateOptions>();
        silo.Services.AddSingleton<ModelCache>();
        silo.Services.AddSingleton<ShardRunner>();
        silo.Services.AddHostedService<JobResumer>();
        return silo;
    }

    /// <summary>
    /// Options of type <typeparamref name="TOptions"/> starting from <paramref name="given"/> (see
    /// <see cref="GivenOptionsFactory{TOptions}"/>), unless the host already binds them from configuration or was given
    /// them (the silo program: its values were read from that configuration).
    /// </summary>
    public static IServiceCollection AddGivenOptions<TOptions>(this IServiceCollection services, TOptions given) where TOptions : class
    {
        if (services.Any(d => d.ServiceType == typeof(IOptionsFactory<TOptions>) || d.ServiceType == typeof(IOptionsChangeTokenSource<TOptions>)))
        {
            return services;
        }

        services.AddOptions<TOptions>();
        services.AddSingleton<IOptionsFactory<TOptions>>(provider => new GivenOptionsFactory<TOptions>(given, provider.GetServices<IConfigureOptions<TOptions>>(),
            provider.GetServices<IPostConfigureOptions<TOptions>>(), provider.GetServices<IValidateOptions<TOptions>>()));
        return services;
    }
}
