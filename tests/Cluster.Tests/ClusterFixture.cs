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
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSenetGrains(new DeviceOptions { CpuDevices = DevicesPerSilo }, useMemoryStorage: false, storage: Storage);
            // One storage grain: tests that kill a silo can spare the one that holds job state (blob storage makes this moot).
            silo.AddMemoryGrainStorage(SENet.Grains.Jobs.StorageNames.Jobs, o => o.NumStorageGrains = 1);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Data.Dispose();
    }
}
