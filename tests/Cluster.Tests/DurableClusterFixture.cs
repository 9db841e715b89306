using SENet.Grains.Hosting;
using SENet.Tests.Storage;

namespace SENet.Cluster.Tests;

/// <summary>A 3-silo cluster whose job state lives in Azure Blob grain storage (Azurite): any silo, the coordinator's included, may die.</summary>
public sealed class DurableClusterFixture : ClusterFixture
{
    private Azurite? _azurite;

    protected override int ImagesPerClass => 60;

    // Heavy enough that a job outlasts two silo kills and the membership changes after them, with workers holding two shards each.
    protected override int InputSize => 96;

    public override async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureJobStorage(ISiloBuilder silo)
    {
        silo.AddSenetBlobJobStorage(_azurite!.ConnectionString);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _azurite!.DisposeAsync();
    }
}
