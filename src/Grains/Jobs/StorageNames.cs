namespace SENet.Grains.Jobs;

/// <summary>Names of the grain storage providers a silo must configure.</summary>
public static class StorageNames
{
    public const string Jobs = "jobs";
}
