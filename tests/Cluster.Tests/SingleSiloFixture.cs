namespace SENet.Cluster.Tests;

/// <summary>The embedded default's shape: one silo, one device.</summary>
public sealed class SingleSiloFixture : ClusterFixture
{
    protected override short SiloCount => 1;

    protected override int DevicesPerSilo => 1;
}
