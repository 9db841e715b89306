namespace SENet.Cluster.Tests;

/// <summary>A 4-silo cluster of its own, with a larger dataset, for the tests that kill a silo or cancel mid-job.</summary>
public sealed class KillableClusterFixture : ClusterFixture
{
    // Four, so that one silo hosts neither the primary's membership, the coordinator nor the job's storage.
    protected override short SiloCount => 4;

    protected override int ImagesPerClass => 60;

    // Heavier images per shard, so a shard outlasts the time it takes to kill a silo.
    protected override int InputSize => 64;
}
