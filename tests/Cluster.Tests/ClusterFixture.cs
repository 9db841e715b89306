using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.MembershipService.SiloMetadata;
using SENet.Contracts.Jobs;
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

    /// <summary>
    /// How the coordinator stores its shard table: small partitions and overlay, so that every cluster test's job writes
    /// and (after a failover) reads partitions, not only the job record.
    /// </summary>
    protected virtual SENet.Grains.Jobs.JobStateOptions JobState => new() { ShardsPerPartition = 4, OverlayLimit = 3 };

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
            silo.Services.Configure<SENet.Grains.Jobs.JobStateOptions>(o => (o.ShardsPerPartition, o.OverlayLimit) = (JobState.ShardsPerPartition, JobState.OverlayLimit));
            silo.Services.AddSingleton<ReadGate>();
            silo.Services.AddSingleton<SENet.Evaluation.Storage.IDatasetSourceFactory, GatedDatasetSourceFactory>();
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

    /// <summary>The gate on a silo's image reads: open unless a test closes it.</summary>
    public static ReadGate GateOf(InProcessSiloHandle silo) => silo.ServiceProvider.GetRequiredService<ReadGate>();

    /// <summary>Holds every silo's reads: workers take leases and keep them, so no job can finish until gates open.</summary>
    public void CloseAllGates()
    {
        foreach (var silo in Cluster.Silos.Where(s => s.IsActive))
        {
            GateOf(silo).Close();
        }
    }

    /// <summary>Lets every live silo's reads go but those of <paramref name="held"/>.</summary>
    public void OpenGatesExcept(params InProcessSiloHandle[] held)
    {
        foreach (var silo in Cluster.Silos.Where(s => s.IsActive && !held.Contains(s)))
        {
            GateOf(silo).Open();
        }
    }

    /// <summary>Opens every live silo's gate, so that a test leaves the shared cluster as it found it.</summary>
    public void OpenAllGates() => OpenGatesExcept();

    /// <summary>
    /// Waits until a worker of each of <paramref name="silos"/> holds a lease of the job (with their gates closed, they
    /// keep it: the job cannot finish before they are killed or their gates open).
    /// </summary>
    public async Task<JobStatus> WaitUntilHoldingAsync(string jobId, params InProcessSiloHandle[] silos)
    {
        var addresses = silos.Select(s => s.SiloAddress.ToParsableString()).ToList();
        bool Holding(JobStatus s, string silo) => s.Workers.Any(w => w.ShardsHeld > 0 && w.Silo == silo);
        var status = await JobDriver.WaitAsync(Grains, jobId, TimeSpan.FromSeconds(60), s => s.IsFinished || addresses.All(a => Holding(s, a)));
        Assert.False(status.IsFinished, $"job {jobId} finished ({status.State}: {status.Error}) while reads were held");
        Assert.True(addresses.All(a => Holding(status, a)), $"after 60 s not every one of {string.Join(", ", addresses)} holds a lease of job {jobId}; " +
            $"workers {string.Join("; ", status.Workers.Select(w => $"{w.Worker} holds {w.ShardsHeld}, done {w.ShardsCompleted}"))}");
        return status;
    }

    /// <summary>
    /// Starts a job with every silo's reads held until <paramref name="held"/> holds a lease, then lets the others go
    /// until <paramref name="shardsDone"/> shards are merged: the job is mid-run, and cannot finish however fast this
    /// machine is until <paramref name="held"/>'s gate opens.
    /// </summary>
    public async Task<JobStatus> StartMidJobAsync(string jobId, JobSpec spec, InProcessSiloHandle held, int shardsDone = 1)
    {
        CloseAllGates();
        await Grains.GetGrain<IEvaluationJobGrain>(jobId).StartAsync(spec);
        await WaitUntilHoldingAsync(jobId, held);
        OpenGatesExcept(held);
        var running = await JobDriver.WaitAsync(Grains, jobId, TimeSpan.FromSeconds(60), s => s.ShardsDone >= shardsDone || s.IsFinished);
        Assert.False(running.IsFinished, $"job {jobId} finished ({running.State}: {running.Error}) while {held.SiloAddress} held a lease");
        return running;
    }

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
        var id = $"warm-up-{Guid.NewGuid():N}";
        await JobDriver.RunAsync(Grains, id, Data.Spec(id));
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
        silo.AddSenetMemoryJobStorage(storageGrains: 1);

    public virtual async Task DisposeAsync()
    {
        OpenAllGates();
        await Cluster.DisposeAsync();
        Data.Dispose();
    }
}
