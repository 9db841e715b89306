using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using SENet.Evaluation.Storage;
using SENet.Tests.Storage;

namespace SENet.Evaluation.Tests.Storage;

public sealed class BlobOutputStoreTests : IAsyncLifetime
{
    private Azurite _azurite = null!;
    private BlobServiceClient _service = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _service = new BlobServiceClient(_azurite.ConnectionString);
    }

    [Fact]
    public async Task AContainerSasWithReadAddCreateWriteListWritesAndReadsOutputs()
    {
        var container = _service.GetBlobContainerClient("results");
        await container.CreateAsync();
        var sas = container.GenerateSasUri(
            BlobContainerSasPermissions.Read | BlobContainerSasPermissions.Add | BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write | BlobContainerSasPermissions.List,
            DateTimeOffset.UtcNow.AddHours(1));
        var location = $"{sas.GetLeftPart(UriPartial.Path)}/run1{sas.Query}";
        var store = OutputStores.Open(location, new StorageOptions { MaxRetries = 0 });

        await store.WriteAsync("report.json", "{}"u8.ToArray(), CancellationToken.None);
        await store.WriteAsync("report.json", "{\"again\":1}"u8.ToArray(), CancellationToken.None);

        Assert.Equal("{\"again\":1}"u8.ToArray(), await store.ReadAsync("report.json", CancellationToken.None));
        Assert.True((await container.GetBlobClient("run1/report.json").ExistsAsync()).Value);
    }

    [Fact]
    public async Task AMissingContainerIsCreatedByTheFirstWriteWhenTheCredentialMay()
    {
        var store = OutputStores.Open(_azurite.BlobUrl("fresh", "run1"), new StorageOptions { ConnectionString = _azurite.ConnectionString, MaxRetries = 0 });

        await store.WriteAsync("manifest/shard-000000.json", "[]"u8.ToArray(), CancellationToken.None);

        Assert.True((await _service.GetBlobContainerClient("fresh").GetBlobClient("run1/manifest/shard-000000.json").ExistsAsync()).Value);
    }

    public async Task DisposeAsync() => await _azurite.DisposeAsync();
}
