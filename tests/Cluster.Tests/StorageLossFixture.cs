using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using SENet.Grains.Jobs;

namespace SENet.Cluster.Tests;

/// <summary>One silo whose job storage can fail its writes (<see cref="SwitchableJobStorage"/>).</summary>
public sealed class StorageLossFixture : ClusterFixture
{
    protected override short SiloCount => 1;

    protected override int DevicesPerSilo => 1;

    /// <summary>Outputs default to ROOT/JOB, where a job whose record is lost is looked for.</summary>
    protected override SENet.Evaluation.Storage.StorageOptions? Storage => new() { OutputRoot = Path.Combine(Data.Folder, "out") };

    public SwitchableJobStorage JobStorage => Cluster.Silos[0].ServiceProvider.GetRequiredService<SwitchableJobStorage>();

    protected override void ConfigureJobStorage(ISiloBuilder silo)
    {
        silo.Services.AddSingleton<SwitchableJobStorage>();
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Jobs, (services, _) => services.GetRequiredService<SwitchableJobStorage>());
    }
}
