using SENet.Evaluation.Datasets;
using SENet.Evaluation.Models;
using SENet.Grains.Devices;
using SENet.Silo.Hosting;

namespace SENet.Client.Tests;

/// <summary>A real silo listening on a loopback gateway, with a small dataset and model, for the job verbs.</summary>
public sealed class EmbeddedClusterFixture : IAsyncLifetime
{
    public EmbeddedCluster Cluster { get; private set; } = null!;

    public string Folder { get; } = Directory.CreateTempSubdirectory("senet-verbs-").FullName;

    public string Data => Path.Combine(Folder, "data");

    public string Model => Path.Combine(Folder, "m.onnx");

    public string[] Connection => ["--gateway", Cluster.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cluster-id", Cluster.ClusterId, "--service-id", Cluster.ClusterId];

    public async Task InitializeAsync()
    {
        await SyntheticImages.WriteImageFolderAsync(Data, classes: 3, imagesPerClass: 5, truncatedImages: 1);
        await File.WriteAllBytesAsync(Model, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 64)));
        Cluster = await EmbeddedCluster.StartAsync(new DeviceOptions { List = "cpu:0,cpu:1" });
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
