using SENet.Grains.Devices;

namespace SENet.Cluster.Tests;

/// <summary>The embedded default's shape: one silo, one device.</summary>
public sealed class SingleSiloFixture : ClusterFixture
{
    protected override short SiloCount => 1;

    protected override int DevicesPerSilo => 1;

    protected override DeviceOptions DevicesFor(string siloName)
    {
        var devices = base.DevicesFor(siloName);
        devices.ReadConcurrency = ReadConcurrency;
        return devices;
    }

    /// <summary>Images each shard reads at once on this silo: not the default, so a test can see the setting reach the pipeline.</summary>
    public int ReadConcurrency => 3;

    // The silo's own default (large partitions, written only when the job ends), so reports compared with the 3-silo
    // cluster's (small partitions, written mid-job) come from both paths.
    protected override SENet.Grains.Jobs.JobStateOptions JobState => new();
}
