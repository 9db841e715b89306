using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using SiloOptions = SENet.Silo.Hosting.SiloOptions;
using SENet.Evaluation.Storage;
using SENet.Grains.Devices;
using SENet.Grains.Hosting;
using SENet.Grains.Jobs;
using SENet.Silo.Hosting;

namespace SENet.Client.Benchmarks.Coordinator;

/// <summary>
/// The in-process silos of the coordinator benchmark: the coordinators' silo, and optionally a worker-only silo that the
/// benchmark stops mid-run so that membership declares it dead. No silo offers a device: the benchmark's simulated
/// devices call the coordinator themselves. Dataset locations may name a <see cref="SyntheticListingSource"/>, and the
/// job storage provider's writes are counted.
/// </summary>
public sealed class BenchSilos : IAsyncDisposable
{
    private readonly IHost _coordinators;
    private IHost? _doomed;

    private readonly StrongBox<CountingStorageSerializer?> _written;
    private readonly bool _blobJobStorage;

    private BenchSilos(IHost coordinators, IHost? doomed, StrongBox<CountingStorageSerializer?> written, bool blobJobStorage)
    {
        _coordinators = coordinators;
        _doomed = doomed;
        _written = written;
        _blobJobStorage = blobJobStorage;
    }

    /// <summary>The coordinators' silo's address.</summary>
    public string CoordinatorSilo => _coordinators.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();

    public IGrainFactory Grains => _coordinators.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Bytes the coordinators' silo wrote to job storage (its provider is created on first use).</summary>
    public long BytesWritten => _written.Value?.Bytes ?? 0;

    /// <summary>Bytes and writes to job storage so far, by kind of stored state (record checkpoints, log entries, partitions).</summary>
    public Dictionary<string, (long Bytes, long Writes)> WrittenByKind() => _written.Value is { } counted ? counted.ByKind.ToDictionary() : [];

    /// <summary>Writes the coordinators' silo made to job storage.</summary>
    public long Writes => _written.Value?.Writes ?? 0;

    /// <summary>Bytes job storage holds (the latest write of each state), where it lives in this process (memory storage).</summary>
    public long HeldInProcessBytes => _blobJobStorage ? 0 : _written.Value?.HeldBytes ?? 0;

    /// <summary>The worker-only silo's address, while it lives; null without one.</summary>
    public string? DoomedSilo { get; private set; }

    public static async Task<BenchSilos> StartAsync(StorageOptions storage, bool blobJobStorage, bool withDoomedSilo, CancellationToken cancellationToken, TimeSpan? commitInterval = null)
    {
        var ports = FreePorts.Take(4);
        var clusterId = $"bench-coordinator-{Guid.NewGuid():N}";
        var written = new StrongBox<CountingStorageSerializer?>();
        var coordinators = Build(new SiloOptions { ClusterId = clusterId, ServiceId = clusterId, SiloPort = ports[0], GatewayPort = ports[1] }, storage, blobJobStorage, commitInterval, services =>
        {
            // Wraps whatever serializer the job provider was given, so the count is exactly what it stores. Only the provider
            // in use: the memory provider registered first under the same name may be built too, and writes nothing.
            if (blobJobStorage)
            {
                services.PostConfigure<AzureBlobStorageOptions>(StorageNames.Jobs, o => o.GrainStorageSerializer = written.Value = new CountingStorageSerializer(o.GrainStorageSerializer));
            }
            else
            {
                services.PostConfigure<MemoryGrainStorageOptions>(StorageNames.Jobs, o => o.GrainStorageSerializer = written.Value = new CountingStorageSerializer(o.GrainStorageSerializer));
            }
        });
        await coordinators.StartAsync(cancellationToken);
        IHost? doomed = null;
        string? doomedSilo = null;
        if (withDoomedSilo)
        {
            doomed = Build(new SiloOptions { ClusterId = clusterId, ServiceId = clusterId, SiloPort = ports[2], GatewayPort = ports[3], PrimarySiloPort = ports[0], HostsCoordinators = false },
                storage, blobJobStorage, commitInterval, services => services.Configure<GrainTypeOptions>(o =>
                    // Memory job storage lives in storage grains: none may live on the silo that dies, or the job's record dies with it.
                    o.Classes.RemoveWhere(t => t.Name.StartsWith("MemoryStorageGrain", StringComparison.Ordinal))));
            await doomed.StartAsync(cancellationToken);
            doomedSilo = doomed.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
        }

        return new BenchSilos(coordinators, doomed, written, blobJobStorage)
        {
            DoomedSilo = doomedSilo,
        };
    }

    /// <summary>Stops the worker-only silo; membership then declares it dead, and the coordinator takes its leases back.</summary>
    public async Task KillDoomedSiloAsync()
    {
        if (_doomed is { } doomed)
        {
            _doomed = null;
            await doomed.StopAsync(CancellationToken.None);
            doomed.Dispose();
        }
    }

    private static IHost Build(SiloOptions silo, StorageOptions storage, bool blobJobStorage, TimeSpan? commitInterval, Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Error);
        builder.AddSenetSilo(silo, new DeviceOptions { CpuDevices = 0 }, storage: storage);
        if (blobJobStorage)
        {
            // Localhost clustering with durable job state: the provider registered last under the jobs name is the one used.
            builder.UseOrleans(orleans => orleans.AddSenetBlobJobStorage(storage.ConnectionString!));
        }

        builder.Services.AddSingleton<IDatasetSourceFactory>(_ => new SyntheticDatasetSourceFactory(new DatasetSourceFactory(storage)));
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        configure(builder.Services);
        if (commitInterval is { } interval)
        {
            // Registered after the silo's: the coordinator is given this one.
            builder.Services.AddSingleton(new JobStateOptions { CommitInterval = interval });
        }

        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        await KillDoomedSiloAsync();
        await _coordinators.StopAsync(CancellationToken.None);
        _coordinators.Dispose();
    }
}
