using SENet.Grains.Devices;

namespace SENet.Cluster.Tests;

/// <summary>Two silos: one with a CPU device, one offering a GPU index no machine has, so its model never loads.</summary>
public sealed class BrokenDeviceFixture : ClusterFixture
{
    public const string BrokenDevice = "cuda:63";

    protected override short SiloCount => 2;

    protected override DeviceOptions DevicesFor(string siloName) =>
        siloName.EndsWith("_1", StringComparison.Ordinal) ? new DeviceOptions { List = BrokenDevice } : new DeviceOptions { List = "cpu:0" };
}
