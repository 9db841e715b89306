using Azure.Storage.Blobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;
using SENet.Evaluation.Storage;
using SENet.Tests.Storage;

namespace SENet.Evaluation.Tests.Storage;

public sealed class BlobDatasetSourceTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private Azurite _azurite = null!;
    private StorageOptions _storage = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _storage = new StorageOptions { ConnectionString = _azurite.ConnectionString, MaxRetries = 2 };
        await SyntheticImages.WriteImageFolderAsync(Path.Combine(_folder.Path, "data"), classes: 3, imagesPerClass: 4, truncatedImages: 1);
        var container = new BlobServiceClient(_azurite.ConnectionString).GetBlobContainerClient("datasets");
        await container.CreateIfNotExistsAsync();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_folder.Path, "data"), "*", SearchOption.AllDirectories))
        {
            await container.UploadBlobAsync("val/" + Path.GetRelativePath(Path.Combine(_folder.Path, "data"), file).Replace('\\', '/'), BinaryData.FromBytes(await File.ReadAllBytesAsync(file)));
        }

        await container.UploadBlobAsync("flat/a.jpg", BinaryData.FromBytes(await File.ReadAllBytesAsync(Directory.EnumerateFiles(Path.Combine(_folder.Path, "data", "class_000")).First())));
        await container.UploadBlobAsync("labels/val.txt", BinaryData.FromString("a.jpg 2\n"));
    }

    [Fact]
    public async Task AnImageFolderUnderABlobPrefixPlansAsTheSameFolderOnDisk()
    {
        var local = await DatasetPlanner.PlanAsync(new LocalFolderSource(Path.Combine(_folder.Path, "data")), new DatasetSpec(), 3);
        var blob = await DatasetPlanner.PlanAsync(DatasetSources.Open(_azurite.BlobUrl("datasets", "val"), _storage), new DatasetSpec(), 3);

        Assert.Equal(local.Images, blob.Images);
        Assert.Equal(local.ClassNames, blob.ClassNames);
        Assert.Equal($"http://127.0.0.1:{_azurite.BlobPort}/devstoreaccount1/datasets/val", blob.Source);
    }

    [Fact]
    public async Task EvaluatingFromBlobsGivesTheCountsOfTheSameFilesOnDisk()
    {
        var model = SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 64));
        using var session = ClassifierSession.Create(model, new ClassifierSessionOptions(InferenceDevice.Cpu, 4));
        using var decoder = new ImageDecoder();
        var local = new LocalFolderSource(Path.Combine(_folder.Path, "data"));
        var blob = DatasetSources.Open(_azurite.BlobUrl("datasets", "val"), _storage);
        var plan = await DatasetPlanner.PlanAsync(local, new DatasetSpec(), 3);

        var fromDisk = await new EvaluationPipeline(session, local, decoder, new PreprocessSpec(64)).RunAsync(plan.Images);
        var fromBlobs = await new EvaluationPipeline(session, blob, decoder, new PreprocessSpec(64)).RunAsync(plan.Images);

        Assert.True(fromBlobs.Counts.CountsEqual(fromDisk.Counts));
        Assert.Equal(1, fromBlobs.Counts.Failed);
    }

    [Fact]
    public async Task AnEmptyBlobPrefixIsRefusedNamingIt()
    {
        var empty = DatasetSources.Open(_azurite.BlobUrl("datasets", "nothing-here"), _storage);

        // The engine's planner, and the cluster's streamed sharder that the coordinator runs.
        var planned = await Assert.ThrowsAsync<DatasetException>(() => DatasetPlanner.PlanAsync(empty, new DatasetSpec(), 3));
        var sharded = await Assert.ThrowsAsync<DatasetException>(() =>
            ImageFolderSharder.PlanAsync(empty, new DatasetSpec(), 3, new LocalOutputStore(Path.Combine(_folder.Path, "out")), 8, CancellationToken.None));

        Assert.Contains("No images found", planned.Message);
        Assert.Contains("datasets/nothing-here", planned.Message);
        Assert.Contains("No class folders found", sharded.Message);
        Assert.Contains("datasets/nothing-here", sharded.Message);
    }

    [Fact]
    public async Task LabelsAsABlobUrlAndAMissingBlobReportedByName()
    {
        var source = DatasetSources.Open(_azurite.BlobUrl("datasets", "flat"), _storage);

        var plan = await DatasetPlanner.PlanAsync(source, new DatasetSpec(LabelsFile: _azurite.BlobUrl("datasets", "labels/val.txt"), Storage: _storage), 3);
        var missing = await Assert.ThrowsAsync<FileNotFoundException>(() => source.ReadAsync("nope.jpg", CancellationToken.None));

        Assert.Equal([new LabelledImage("a.jpg", 2)], plan.Images);
        Assert.Contains("'nope.jpg' not found", missing.Message);
    }

    [Fact]
    public async Task WrongCredentialsAreRefusedWithoutEchoingTheSecret()
    {
        const string wrongKey = "d3JvbmcgYWNjb3VudCBrZXkgZm9yIHRoZSB0ZXN0IG9ubHkgMDEyMzQ1Njc4OWFiY2RlZg==";
        var wrong = new StorageOptions { ConnectionString = _azurite.ConnectionString.Replace(Azurite.AccountKey, wrongKey), MaxRetries = 0 };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => DatasetPlanner.PlanAsync(DatasetSources.Open(_azurite.BlobUrl("datasets", "val"), wrong), new DatasetSpec(), 3));

        Assert.Contains("403", error.Message);
        Assert.DoesNotContain(wrongKey, error.ToString());
        Assert.DoesNotContain(Azurite.AccountKey, error.ToString());
    }

    [Fact]
    public async Task ASasWithAWrongSignatureIsRefused()
    {
        var container = new BlobServiceClient(_azurite.ConnectionString).GetBlobContainerClient("datasets");
        var sas = container.GenerateSasUri(Azure.Storage.Sas.BlobContainerSasPermissions.Read | Azure.Storage.Sas.BlobContainerSasPermissions.List, DateTimeOffset.UtcNow.AddHours(1));
        var signature = System.Web.HttpUtility.ParseQueryString(sas.Query)["sig"]!;
        var good = $"{sas.GetLeftPart(UriPartial.Path)}/val{sas.Query}";
        var tampered = good.Replace(Uri.EscapeDataString(signature), Uri.EscapeDataString(Convert.ToBase64String(new byte[32])), StringComparison.Ordinal);
        Assert.NotEqual(good, tampered);

        var listed = await DatasetPlanner.PlanAsync(DatasetSources.Open(good, new StorageOptions()), new DatasetSpec(), 3);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => DatasetPlanner.PlanAsync(DatasetSources.Open(tampered, new StorageOptions { MaxRetries = 0 }), new DatasetSpec(), 3));

        Assert.Equal(13, listed.Images.Count);
        Assert.Contains("403", error.Message);
        Assert.DoesNotContain(signature, error.ToString());
    }

    [Theory]
    [InlineData("az://c/p?sig=SECRET", "az://c/p?<redacted>")]
    [InlineData("https://acct.blob.core.windows.net/c/p", "https://acct.blob.core.windows.net/c/p")]
    public void LocationsAreShownWithoutTheirSas(string location, string shown) => Assert.Equal(shown, StorageLocation.Redact(location));

    [Fact]
    public void VirtualHostAndPathStyleUrlsFindTheContainerAndPrefix()
    {
        var options = new StorageOptions { ConnectionString = "UseDevelopmentStorage=true" };

        var cloud = StorageLocation.Parse("https://acct.blob.core.windows.net/imagenet/val/2012?sv=2024&sig=abc", options);
        var azurite = StorageLocation.Parse("http://127.0.0.1:10000/devstoreaccount1/imagenet/val", options);
        var az = StorageLocation.Parse("az://imagenet/val", options);

        Assert.Equal(("imagenet", "val/2012"), (cloud.Container!.Name, cloud.Prefix));
        Assert.DoesNotContain("sig", cloud.Display);
        Assert.Equal(("imagenet", "val"), (azurite.Container!.Name, azurite.Prefix));
        Assert.Equal(("imagenet", "val"), (az.Container!.Name, az.Prefix));
        Assert.False(StorageLocation.Parse("/data/val", options).IsBlob);
    }

    [Fact]
    public void AConnectionStringSignsOnlyForItsOwnAccount()
    {
        var options = new StorageOptions { ConnectionString = "UseDevelopmentStorage=true" };

        var own = StorageLocation.Parse("http://127.0.0.1:10000/devstoreaccount1/imagenet/val", options);
        var other = StorageLocation.Parse("https://127.0.0.1:10000/otheraccount/imagenet/val", options);
        var plainHttp = Assert.Throws<ArgumentException>(() => StorageLocation.Parse("http://127.0.0.1:10000/otheraccount/imagenet/val", options));
        var cloud = StorageLocation.Parse("https://acct.blob.core.windows.net/imagenet/val", options);

        // The shared key signs for its own account only; any other account is reached as the URL names it, through
        // the ambient identity (DefaultAzureCredential), never the configured account instead.
        Assert.True(own.Container!.CanGenerateSasUri);
        Assert.Equal("otheraccount", other.Container!.AccountName);
        Assert.False(other.Container.CanGenerateSasUri);
        Assert.Equal(("acct", false), (cloud.Container!.AccountName, cloud.Container.CanGenerateSasUri));
        Assert.StartsWith("https://acct.blob.core.windows.net/imagenet", cloud.Display);
        Assert.Contains("not the account of SENet:Storage:ConnectionString", plainHttp.Message);
    }

    public async Task DisposeAsync()
    {
        await _azurite.DisposeAsync();
        _folder.Dispose();
    }
}
