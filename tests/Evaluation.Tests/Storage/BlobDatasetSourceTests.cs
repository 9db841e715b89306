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

        // One ImageFolder rule, one message.
        Assert.Contains("No images found", planned.Message);
        Assert.Contains("datasets/nothing-here", planned.Message);
        Assert.Equal(planned.Message, sharded.Message);
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

    [Fact]
    public async Task HiddenFilesAndFoldersAreListedAlikeLocallyAndFromBlobs()
    {
        var local = Path.Combine(_folder.Path, "hidden");
        await SyntheticImages.WriteImageFolderAsync(local, classes: 2, imagesPerClass: 2);
        var image = await File.ReadAllBytesAsync(Directory.EnumerateFiles(local, "*.jpg", SearchOption.AllDirectories).First());
        var firstClass = Path.GetFileName(Directory.GetDirectories(local).Order(StringComparer.Ordinal).First());
        await File.WriteAllBytesAsync(Path.Combine(local, firstClass, ".hidden.jpg"), image);
        await File.WriteAllBytesAsync(Path.Combine(local, firstClass, "._appledouble.jpg"), [0, 5, 22, 7]);
        Directory.CreateDirectory(Path.Combine(local, ".hidden_class"));
        await File.WriteAllBytesAsync(Path.Combine(local, ".hidden_class", "img.jpg"), image);
        await UploadFolderAsync(local, "hidden");
        var fromDisk = new LocalFolderSource(local);
        var fromBlobs = DatasetSources.Open(_azurite.BlobUrl("datasets", "hidden"), _storage);

        var localPlan = await DatasetPlanner.PlanAsync(fromDisk, new DatasetSpec(), 3);
        var blobPlan = await DatasetPlanner.PlanAsync(fromBlobs, new DatasetSpec(), 3);
        var localShards = await ImageFolderSharder.PlanAsync(fromDisk, new DatasetSpec(), 3, new LocalOutputStore(Path.Combine(_folder.Path, "hidden-out-local")), 100, CancellationToken.None);
        var blobShards = await ImageFolderSharder.PlanAsync(fromBlobs, new DatasetSpec(), 3, new LocalOutputStore(Path.Combine(_folder.Path, "hidden-out-blob")), 100, CancellationToken.None);

        Assert.Equal(7, localPlan.Images.Count);
        Assert.Contains(localPlan.Images, i => i.Path.EndsWith("/.hidden.jpg", StringComparison.Ordinal));
        Assert.Equal(localPlan.Images, blobPlan.Images);
        Assert.Equal(localShards.ShardSizes, blobShards.ShardSizes);
        Assert.Equal([".hidden_class", "class_000", "class_001"], localShards.ClassNames);
        Assert.Equal(localShards.ClassNames, blobShards.ClassNames);
        Assert.Equal(localPlan.ClassNames, blobPlan.ClassNames);
    }

    [Fact]
    public async Task ALabelsFileWithAByteOrderMarkReadsTheSameLocallyAndFromBlobs()
    {
        var bom = "\uFEFFa.jpg 2\n";
        var utf8 = System.Text.Encoding.UTF8.GetPreamble().Concat(System.Text.Encoding.UTF8.GetBytes("a.jpg 2\n")).ToArray();
        var container = new BlobServiceClient(_azurite.ConnectionString).GetBlobContainerClient("datasets");
        await container.UploadBlobAsync("labels/bom.txt", BinaryData.FromBytes(utf8));
        await container.UploadBlobAsync("labels/utf16.txt", BinaryData.FromBytes(System.Text.Encoding.Unicode.GetPreamble().Concat(System.Text.Encoding.Unicode.GetBytes("a.jpg 2\n")).ToArray()));
        await container.UploadBlobAsync("flat/val-bom.txt", BinaryData.FromBytes(utf8));
        var localLabels = Path.Combine(_folder.Path, "bom.txt");
        await File.WriteAllBytesAsync(localLabels, utf8);
        var source = DatasetSources.Open(_azurite.BlobUrl("datasets", "flat"), _storage);
        var expected = new[] { new LabelledImage("a.jpg", 2) };

        var local = await DatasetPlanner.PlanAsync(source, new DatasetSpec(LabelsFile: localLabels, Storage: _storage), 3);
        var blob = await DatasetPlanner.PlanAsync(source, new DatasetSpec(LabelsFile: _azurite.BlobUrl("datasets", "labels/bom.txt"), Storage: _storage), 3);
        var utf16 = await DatasetPlanner.PlanAsync(source, new DatasetSpec(LabelsFile: _azurite.BlobUrl("datasets", "labels/utf16.txt"), Storage: _storage), 3);
        var insideSource = await DatasetPlanner.PlanAsync(source, new DatasetSpec(LabelsFile: "val-bom.txt", Storage: _storage), 3);

        Assert.Equal(expected, local.Images);
        Assert.Equal(expected, blob.Images);
        Assert.Equal(expected, utf16.Images);
        Assert.Equal(expected, insideSource.Images);
        Assert.Equal(bom.TrimStart('\uFEFF'), await StorageLocation.ReadTextAsync(_azurite.BlobUrl("datasets", "labels/bom.txt"), _storage, CancellationToken.None));
    }

    [Fact]
    public async Task ABlobOverTheSizeLimitFailsAloneOnItsContentLength()
    {
        var source = DatasetSources.Open(_azurite.BlobUrl("datasets", "val"), _storage);
        var plan = await DatasetPlanner.PlanAsync(source, new DatasetSpec(), 3);
        var largest = plan.Images.MaxBy(i => new FileInfo(Path.Combine(_folder.Path, "data", i.Path)).Length)!;
        var limit = new FileInfo(Path.Combine(_folder.Path, "data", largest.Path)).Length - 1;
        var model = SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 64));
        using var session = ClassifierSession.Create(model, new ClassifierSessionOptions(InferenceDevice.Cpu, 4));
        using var decoder = new ImageDecoder();

        var refused = await Assert.ThrowsAsync<FileRefusedException>(() => source.ReadAsync(largest.Path, limit, CancellationToken.None));
        var result = await new EvaluationPipeline(session, source, decoder, new PreprocessSpec(64), new PipelineOptions(MaxFileBytes: limit)).RunAsync(plan.Images);

        Assert.Contains($"over the limit of {limit:N0} bytes per file (--max-file-bytes)", refused.Message);
        Assert.Contains(result.Failures, f => f.ImageId == largest.Path && f.Reason.Contains("--max-file-bytes"));
        var oversized = plan.Images.Count(i => new FileInfo(Path.Combine(_folder.Path, "data", i.Path)).Length > limit);
        Assert.Equal(plan.Images.Count - 1 - oversized, result.Counts.Images);
    }

    [Fact]
    public async Task ADatasetPathWithDotSegmentsCannotLeaveTheBlobPrefix()
    {
        var source = DatasetSources.Open(_azurite.BlobUrl("datasets", "flat"), _storage);

        var climbing = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => source.ReadAsync("../labels/val.txt", CancellationToken.None));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => source.ExistsAsync("x/../../val/class_000/img_0000.jpg", CancellationToken.None));

        Assert.Contains("leaves the dataset prefix", climbing.Message);
    }

    private async Task UploadFolderAsync(string folder, string prefix)
    {
        var container = new BlobServiceClient(_azurite.ConnectionString).GetBlobContainerClient("datasets");
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            await container.UploadBlobAsync($"{prefix}/{Path.GetRelativePath(folder, file).Replace('\\', '/')}", BinaryData.FromBytes(await File.ReadAllBytesAsync(file)));
        }
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
