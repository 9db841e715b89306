using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using SENet.Grains.Jobs;

namespace SENet.Cluster.Tests;

/// <summary>
/// Two silos with no devices (tests play the workers) and job storage they share (<see cref="SharedJobStorage"/>), so a
/// test can kill a coordinator's silo at a chosen point of its commit and see what its successor reads.
/// </summary>
public sealed class SharedStorageCoordinatorFixture : ClusterFixture
{
    protected override short SiloCount => 2;

    protected override int DevicesPerSilo => 0;

    public SharedJobStorage JobStorage { get; } = new();

    protected override SENet.Evaluation.Storage.StorageOptions? Storage => new() { OutputRoot = Path.Combine(Data.Folder, "out"), InputRoots = [Data.Folder] };

    protected override void ConfigureJobStorage(ISiloBuilder silo) =>
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Jobs, (services, _) => JobStorage.For(services.GetRequiredService<Serializer>()));
}
