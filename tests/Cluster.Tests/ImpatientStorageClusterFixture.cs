namespace SENet.Cluster.Tests;

/// <summary>A blob cluster whose storage client gives up after one retry, so an outage of seconds outlasts it.</summary>
public sealed class ImpatientStorageClusterFixture : BlobClusterFixture
{
    protected override int StorageRetries => 1;
}
