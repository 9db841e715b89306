using SENet.Grains.Devices;

namespace SENet.Cluster.Tests;

/// <summary>A 4-silo cluster of its own, with a larger dataset, for the tests that kill a silo or cancel mid-job.</summary>
public sealed class KillableClusterFixture : ClusterFixture
{
    // Four, so that one silo hosts neither the primary's membership, the coordinator nor the job's storage.
    protected override short SiloCount => 4;

    protected override int ImagesPerClass => 60;

    // Heavier images per shard, so a shard outlasts the time it takes to kill a silo.
    protected override int InputSize => 64;

    // One shard per worker at a time: with two, the other silos' workers can drain a loaded 2-core test machine's
    // job before the victim's take a lease, and there is nothing to kill it under.
    protected override DeviceOptions DevicesFor(string siloName)
    {
        var devices = base.DevicesFor(siloName);
        devices.ShardsInFlight = 1;
        return devices;
    }
}
