using SENet.Evaluation.Datasets;
using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Tests.Datasets;

/// <summary>
/// torchvision's ImageFolder rule, one code path: the classes are the dataset's folders, an empty one included, so an
/// empty class folder keeps its index and the folders after it keep theirs. The engine's planner (local evaluation)
/// and the coordinator's streamed sharder (cluster jobs) label every image alike.
/// </summary>
public sealed class EmptyClassFolderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task AnEmptyClassFolderKeepsItsIndexInThePlannerAndTheSharderAlike()
    {
        _folder.Write("data/apple/1.jpg", [1]);
        _folder.Write("data/apple/2.jpg", [1]);
        Directory.CreateDirectory(Path.Combine(_folder.Path, "data", "banana"));
        _folder.Write("data/cherry/1.jpg", [1]);
        _folder.Write("data/cherry/2.jpg", [1]);
        _folder.Write("data/cherry/3.jpg", [1]);
        var source = new LocalFolderSource(Path.Combine(_folder.Path, "data"));
        var store = new LocalOutputStore(Path.Combine(_folder.Path, "out"));

        var plan = await DatasetPlanner.PlanAsync(source, new DatasetSpec(), modelClasses: 3);
        var sharded = await ImageFolderSharder.PlanAsync(source, new DatasetSpec(), 3, store, shardSize: 2, CancellationToken.None);

        // Folders sorted: apple 0, banana 1 (empty), cherry 2.
        var expected = new[] { ("apple/1.jpg", 0), ("apple/2.jpg", 0), ("cherry/1.jpg", 2), ("cherry/2.jpg", 2), ("cherry/3.jpg", 2) };
        Assert.Equal(expected, plan.Images.Select(i => (i.Path, i.Label)));
        Assert.Equal(["apple", "banana", "cherry"], plan.ClassNames);
        Assert.Equal(plan.ClassNames, sharded.ClassNames);
        var streamed = new List<LabelledImage>();
        for (var shard = 0; shard < sharded.ShardSizes.Count; shard++)
        {
            streamed.AddRange(await ShardManifest.ReadAsync(store, shard, CancellationToken.None));
        }

        Assert.Equal(plan.Images, streamed);
    }

    [Fact]
    public async Task AnEmptyClassFolderCountsAgainstTheModelsClassesInBoth()
    {
        _folder.Write("data/apple/1.jpg", [1]);
        Directory.CreateDirectory(Path.Combine(_folder.Path, "data", "banana"));
        _folder.Write("data/cherry/1.jpg", [1]);
        var source = new LocalFolderSource(Path.Combine(_folder.Path, "data"));

        var planned = await Assert.ThrowsAsync<DatasetException>(() => DatasetPlanner.PlanAsync(source, new DatasetSpec(), modelClasses: 2));
        var sharded = await Assert.ThrowsAsync<DatasetException>(() =>
            ImageFolderSharder.PlanAsync(source, new DatasetSpec(), 2, new LocalOutputStore(Path.Combine(_folder.Path, "out")), 2, CancellationToken.None));

        Assert.Contains("model outputs 2 classes but the dataset has 3", planned.Message);
        Assert.Equal(planned.Message, sharded.Message);
    }

    public void Dispose() => _folder.Dispose();
}
