using SENet.Evaluation.Datasets;
using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Tests.Datasets;

public sealed class ImageFolderSharderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task StreamedShardsHoldExactlyThePlannersImagesInOrder()
    {
        for (var i = 0; i < 23; i++)
        {
            _folder.Write($"data/{(char)('c' - i % 3)}/img{i:D2}.jpg", [1]);
        }

        _folder.Write("data/notes.txt", "ignored");
        _folder.Write("data/a/readme.md", "ignored");
        var source = new LocalFolderSource(Path.Combine(_folder.Path, "data"));
        var store = new LocalOutputStore(Path.Combine(_folder.Path, "out"));

        var sharded = await ImageFolderSharder.PlanAsync(source, new DatasetSpec(), 3, store, shardSize: 5, CancellationToken.None);
        var plan = await DatasetPlanner.PlanAsync(source, new DatasetSpec(), 3);

        Assert.Equal([5, 5, 5, 5, 3], sharded.ShardSizes);
        Assert.Equal(plan.ClassNames, sharded.ClassNames);
        Assert.Equal(2, sharded.IgnoredFiles);
        var streamed = new List<LabelledImage>();
        for (var shard = 0; shard < sharded.ShardSizes.Count; shard++)
        {
            streamed.AddRange(await ShardManifest.ReadAsync(store, shard, CancellationToken.None));
        }

        Assert.Equal(plan.Images, streamed);
    }

    [Fact]
    public async Task ClassCountsAreCheckedBeforeAnyFileIsListed()
    {
        _folder.Write("data/a/1.jpg", [1]);
        _folder.Write("data/b/1.jpg", [1]);

        var error = await Assert.ThrowsAsync<DatasetException>(() => ImageFolderSharder.PlanAsync(
            new LocalFolderSource(Path.Combine(_folder.Path, "data")), new DatasetSpec(), 10, new LocalOutputStore(Path.Combine(_folder.Path, "out")), 5, CancellationToken.None));

        Assert.Contains("model outputs 10 classes but the dataset has 2", error.Message);
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "out")));
    }

    public void Dispose() => _folder.Dispose();
}
