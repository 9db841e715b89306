using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.MembershipService.SiloMetadata;
using SENet.Contracts.Workers;
using Orleans.TestingHost;
using SENet.Grains.Devices;
using SENet.Grains.Hosting;

namespace SENet.Cluster.Tests;

/// <summary>A real in-process cluster of <see cref="SiloCount"/> silos, each offering <see cref="DevicesPerSilo"/> CPU devices, and a dataset.</summary>
public class ClusterFixture : IAsyncLifetime
{
    protected virtual short SiloCount => 3;

    protected virtual int DevicesPerSilo => 2;

    protected virtual int ImagesPerClass => 12;

    protected virtual int InputSize => 32;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public TestData Data { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public CapturedLogs Logs { get; } = new();

    /// <summary>How silos reach blob storage; none unless a fixture starts Azurite.</summary>
    protected virtual SENet.Evaluation.Storage.StorageOptions? Storage => null;

    public virtual async Task InitializeAsync()
    {
        Data = await TestData.CreateAsync(classes: 5, ImagesPerClass, InputSize);
        await DeployAsync();
    }

    protected async Task DeployAsync()
    {
        var builder = new InProcessTestClusterBuilder(SiloCount);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((options, silo) =>
        {
            silo.AddSenetGrains(DevicesFor(options.SiloName), useMemoryStorage: false, storage: Storage);
            ConfigureJobStorage(silo);
        });
        builder.ConfigureSiloHost((_, host) => host.Logging.AddProvider(Logs).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await WaitForDeviceMetadataAsync();
    }

    /// <summary>
    /// Silos learn each other's devices from metadata fetched in the background after they join; jobs started
    /// before that use only the devices already known. Tests start from a cluster where every silo knows every other's.
    /// </summary>
    private Task WaitForDeviceMetadataAsync() => PollAsync(TimeSpan.FromSeconds(30), () =>
    {
        var silos = Cluster.Silos.Where(s => s.IsActive).ToList();
        return silos.All(observer =>
        {
            var cache = observer.ServiceProvider.GetRequiredService<ISiloMetadataCache>();
            return silos.All(other => cache.GetSiloMetadata(other.SiloAddress).Metadata.ContainsKey(DeviceMetadata.Key));
        });
    });

    /// <summary>Checks <paramref name="done"/> every 50 ms until it holds or <paramref name="timeout"/> has passed.</summary>
    private static async Task PollAsync(TimeSpan timeout, Func<bool> done)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Runs a job and waits until every silo with devices has the model's session loaded. Which workers take a job's
    /// shards is a race that silos still loading the model lose; tests about the spread over silos start from here.
    /// </summary>
    public async Task WarmUpAsync()
    {
        await JobDriver.RunAsync(Grains, $"warm-up-{Guid.NewGuid():N}", Data.Spec("warm-up"));
        await PollAsync(TimeSpan.FromSeconds(60), () => Cluster.Silos.Where(s => s.IsActive).All(s => s.ServiceProvider.GetRequiredService<SessionPool>().Loaded > 0));
    }

    /// <summary>
    /// The devices a silo offers (by silo name: Silo_0, Silo_1, …). Two shards in flight per worker, as on a GPU, so
    /// every cluster test also checks exactly-once merging with a worker holding two leases at a time.
    /// </summary>
    protected virtual DeviceOptions DevicesFor(string siloName) => new() { CpuDevices = DevicesPerSilo, ShardsInFlight = 2 };

    /// <summary>
    /// In memory, with one storage grain, so that tests that kill a silo can spare the one holding job state;
    /// fixtures that kill the coordinator keep job state in blob storage instead.
    /// </summary>
    protected virtual void ConfigureJobStorage(ISiloBuilder silo) =>
        silo.AddMemoryGrainStorage(SENet.Grains.Jobs.StorageNames.Jobs, o => o.NumStorageGrains = 1);

    public virtual async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Data.Dispose();
    }
}
