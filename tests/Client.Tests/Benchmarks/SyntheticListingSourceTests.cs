using SENet.Client.Benchmarks.Coordinator;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Storage;

namespace SENet.Client.Tests.Benchmarks;

public sealed class SyntheticListingSourceTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("senet-synthetic-listing-");

    [Fact]
    public async Task ItListsEveryImageOnceInOrdinalOrderSpreadOverTheClassFolders()
    {
        var source = new SyntheticListingSource(images: 10, classes: 3);

        var folders = await source.ListFoldersAsync(CancellationToken.None).ToListAsync();
        var files = await source.ListFilesAsync("", CancellationToken.None).ToListAsync();

        Assert.Equal(["c00000", "c00001", "c00002"], folders);
        Assert.Equal(10, files.Count);
        Assert.Equal(files.Order(StringComparer.Ordinal), files);
        Assert.Equal(10, files.Distinct().Count());
        Assert.Equal([4, 3, 3], folders.Select(f => files.Count(name => name.StartsWith(f + "/", StringComparison.Ordinal))));
        Assert.All(files, f => Assert.True(ImageFiles.IsImage(f), f));
        Assert.Equal(["c00001/00000000.jpg", "c00001/00000001.jpg", "c00001/00000002.jpg"], await source.ListFilesAsync("c00001/", CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task TheCoordinatorsPlannerShardsItLikeAnyImageFolder()
    {
        var source = new SyntheticListingSource(images: 1_003, classes: 7);
        var outputs = new LocalOutputStore(_folder.FullName);

        var plan = await ImageFolderSharder.PlanAsync(source, new DatasetSpec(), 7, outputs, shardSize: 100, CancellationToken.None);
        var lastShard = await ShardManifest.ReadAsync(outputs, 10, CancellationToken.None);

        Assert.Equal([.. Enumerable.Repeat(100, 10), 3], plan.ShardSizes);
        Assert.Equal(7, plan.ClassNames.Count);
        Assert.Equal([6, 6, 6], lastShard.Select(i => i.Label));
    }

    [Fact]
    public async Task ItHasNoBytesToRead()
    {
        var source = new SyntheticListingSource(5, 1);

        var read = await Assert.ThrowsAsync<FileNotFoundException>(() => source.ReadAsync("c00000/00000000.jpg", 1_000, CancellationToken.None));
        await Assert.ThrowsAsync<FileNotFoundException>(() => source.ReadTextAsync("labels.txt", CancellationToken.None));
        Assert.Contains("synthetic listing", read.Message);
        Assert.False(await source.ExistsAsync("c00000/00000000.jpg", CancellationToken.None));
    }

    [Fact]
    public void OnlyTheBenchmarksFactoryOpensSyntheticLocationsAndAMalformedOneIsRefused()
    {
        var factory = new SyntheticDatasetSourceFactory(new DatasetSourceFactory(new StorageOptions()));

        var synthetic = Assert.IsType<SyntheticListingSource>(factory.Open(SyntheticListingSource.Location(10_000_000, 1_000)));
        Assert.Equal(10_000_000, synthetic.Images);
        Assert.Equal(1_000, synthetic.Classes);
        Assert.IsNotType<SyntheticListingSource>(factory.Open(_folder.FullName));
        Assert.IsNotType<SyntheticListingSource>(new DatasetSourceFactory(new StorageOptions()).Open(_folder.FullName));
        Assert.Null(SyntheticListingSource.TryParse(_folder.FullName));
        var error = Assert.Throws<ArgumentException>(() => SyntheticListingSource.TryParse("synthetic:10"));
        Assert.Contains("synthetic:IMAGES:CLASSES", error.Message);
        Assert.Throws<ArgumentException>(() => SyntheticListingSource.TryParse("synthetic:0:5"));
        Assert.Throws<ArgumentException>(() => SyntheticListingSource.TryParse("synthetic:-3:5"));
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
