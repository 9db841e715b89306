namespace SENet.Cluster.Tests;

/// <summary>One silo with no devices: the coordinator runs, no worker does, so tests play the workers themselves.</summary>
public sealed class CoordinatorOnlyFixture : ClusterFixture
{
    protected override short SiloCount => 1;

    protected override int DevicesPerSilo => 0;

    /// <summary>
    /// Outputs must go under the fixture's out folder, where <see cref="TestData.Spec"/> puts them; inputs under its
    /// folder (and /nowhere, so that a missing model is refused as missing).
    /// </summary>
    protected override SENet.Evaluation.Storage.StorageOptions? Storage => new() { OutputRoot = Path.Combine(Data.Folder, "out"), InputRoots = [Data.Folder, "/nowhere"] };
}
