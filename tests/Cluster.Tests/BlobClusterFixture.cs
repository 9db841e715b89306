using Azure.Storage.Blobs;
using SENet.Evaluation.Storage;
using SENet.Tests.Storage;

namespace SENet.Cluster.Tests;

/// <summary>A 2-silo cluster whose dataset and outputs live in Azurite, the real storage emulator.</summary>
public class BlobClusterFixture : ClusterFixture
{
    private StorageOptions? _storage;

    protected override short SiloCount => 2;

    protected override int ImagesPerClass => 40;

    public Azurite Azurite { get; private set; } = null!;

    public string DataUrl => Azurite.BlobUrl("datasets", "val");

    public string OutputUrl(string job) => Azurite.BlobUrl("results", job);

    public BlobContainerClient Container(string name) => new BlobServiceClient(Azurite.ConnectionString).GetBlobContainerClient(name);

    protected override StorageOptions? Storage => _storage;

    /// <summary>The storage client's retries before a request fails (the silo's default unless a fixture says otherwise).</summary>
    protected virtual int StorageRetries => new StorageOptions().MaxRetries;

    public override async Task InitializeAsync()
    {
        Azurite = await Azurite.StartAsync();
        _storage = new StorageOptions { ConnectionString = Azurite.ConnectionString, MaxRetries = StorageRetries };
        await base.InitializeAsync();
        var container = Container("datasets");
        await container.CreateIfNotExistsAsync();
        foreach (var file in Directory.EnumerateFiles(Data.DataPath, "*", SearchOption.AllDirectories))
        {
            await container.UploadBlobAsync("val/" + Path.GetRelativePath(Data.DataPath, file).Replace('\\', '/'), BinaryData.FromBytes(await File.ReadAllBytesAsync(file)));
        }

        await container.UploadBlobAsync("models/model.onnx", BinaryData.FromBytes(await File.ReadAllBytesAsync(Data.ModelPath)));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
