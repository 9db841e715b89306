using System.Diagnostics;
using Azure.Storage.Blobs;
using SENet.Evaluation.Models;
using SENet.Evaluation.Storage;
using SENet.Evaluation.Tests.Models;
using SENet.Grains.Devices;
using SENet.Tests.Storage;

namespace SENet.Cluster.Tests;

/// <summary>
/// What a silo does with the model a job names, before any of it is read: blob models are sized from Content-Length,
/// their external data is downloaded from beside them by validated names only, and local paths are checked for type.
/// </summary>
public sealed class ModelCacheTests : IAsyncLifetime
{
    private static readonly byte[] SmallModel = SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 32, Seed: 11));
    private static readonly ClassifierSessionOptions Cpu = new(InferenceDevice.Cpu, MaxBatchSize: 1, IntraOpThreads: 1);
    private readonly string _cache = Directory.CreateTempSubdirectory("senet-model-cache-").FullName;
    private Azurite _azurite = null!;
    private BlobContainerClient _container = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _container = new BlobServiceClient(_azurite.ConnectionString).GetBlobContainerClient("models");
        await _container.CreateIfNotExistsAsync();
    }

    [Fact]
    public async Task ABlobModelsExternalWeightsAreDownloadedBesideItAndScoreAsTheEmbeddedModel()
    {
        var (model, weights) = ExternalModels.WithExternalWeights(SmallModel, "weights.bin");
        await _container.UploadBlobAsync("exported/model.onnx", BinaryData.FromBytes(model));
        await _container.UploadBlobAsync("exported/weights.bin", BinaryData.FromBytes(weights));

        var path = await Cache().ResolveAsync(_azurite.BlobUrl("models", "exported/model.onnx"));

        Assert.Equal(weights, await File.ReadAllBytesAsync(Path.Combine(Path.GetDirectoryName(path)!, "weights.bin")));
        using var embedded = ClassifierSession.Create(SmallModel, Cpu);
        using var external = await ClassifierSession.CreateFromFileAsync(path, Cpu);
        Assert.Equal(Scores(embedded), Scores(external));
    }

    [Theory]
    [InlineData("../secret.bin")]
    [InlineData("/secret.bin")]
    [InlineData("a/../../secret.bin")]
    public async Task ABlobModelWhoseExternalDataLeavesItsPrefixIsRefusedAndNothingOutsideIsFetched(string location)
    {
        await _container.UploadBlobAsync("secret.bin", BinaryData.FromBytes(new byte[1024]));
        await _container.UploadBlobAsync("exported/model.onnx", BinaryData.FromBytes(ExternalModels.Leaking(location)));

        var error = await Assert.ThrowsAsync<ModelValidationException>(() => Cache().ResolveAsync(_azurite.BlobUrl("models", "exported/model.onnx")));

        Assert.Contains($"external file '{location}'", error.Message);
        Assert.Empty(Directory.EnumerateFiles(_cache, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ABlobModelOverTheSizeLimitIsRefusedFromItsContentLengthBeforeDownloading()
    {
        await _container.UploadBlobAsync("big/model.onnx", BinaryData.FromBytes(SmallModel));

        var error = await Assert.ThrowsAsync<ModelValidationException>(() => Cache(maxModelBytes: 1_000_000).ResolveAsync(_azurite.BlobUrl("models", "big/model.onnx")));

        Assert.Contains($"is {SmallModel.Length:N0} bytes, over the model size limit of 1,000,000 bytes", error.Message);
        Assert.False(Directory.Exists(_cache) && Directory.EnumerateFileSystemEntries(_cache).Any());
    }

    [Fact]
    public async Task TheSessionPoolRefusesDevZeroAndAFifoWithoutReadingThem()
    {
        var fifo = Path.Combine(_cache, "fifo.onnx");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        using var pool = new SessionPool();

        var zero = await Assert.ThrowsAsync<ModelValidationException>(() => pool.GetAsync("/dev/zero", InferenceDevice.Cpu, 1));
        var pipe = await Assert.ThrowsAsync<ModelValidationException>(() => pool.GetAsync(fifo, InferenceDevice.Cpu, 1));

        Assert.Contains("is a character device, not a regular file", zero.Message);
        Assert.Contains("is a named pipe (FIFO), not a regular file", pipe.Message);
    }

    public async Task DisposeAsync()
    {
        await _azurite.DisposeAsync();
        Directory.Delete(_cache, recursive: true);
    }

    private ModelCache Cache(long maxModelBytes = ModelFiles.DefaultMaxBytes) =>
        new(Microsoft.Extensions.Options.Options.Create(new StorageOptions { ConnectionString = _azurite.ConnectionString, MaxModelBytes = maxModelBytes, MaxRetries = 1 })) { Folder = _cache };

    private static float[] Scores(ClassifierSession session)
    {
        using var batch = session.CreateBatch(1);
        var image = batch.Image(0);
        for (var i = 0; i < image.Length; i++)
        {
            image[i] = (i % 17) / 8f - 1;
        }

        batch.Count = 1;
        session.Run(batch);
        return batch.Scores(0).ToArray();
    }
}
