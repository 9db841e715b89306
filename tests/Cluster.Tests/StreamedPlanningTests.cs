using Microsoft.Extensions.Logging.Abstractions;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Storage;
using SENet.Evaluation.Tests;
using SENet.Evaluation.Tests.Datasets;
using SENet.Grains.Jobs;

namespace SENet.Cluster.Tests;

/// <summary>
/// A blob ImageFolder job's planner (folders exist only with files): submit does not wait for the class-folder listing,
/// the first shard is handed on before that listing has answered, the label manifest promises the class names to the
/// workers until the folder list confirms the labels, and then the names and the final manifest are written.
/// </summary>
public sealed class StreamedPlanningTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task TheFirstShardIsHandedOnBeforeTheFolderListingAnswers()
    {
        var source = new VirtualFolderListing(Enumerable.Range(0, 12).Select(i => $"class_{i % 3}/img{i:D2}.jpg"));
        var outputs = new LocalOutputStore(_folder.Path);
        var spec = new JobSpec { ModelPath = "model.onnx", DataPath = source.Description, ShardSize = 2 };
        var planner = new JobPlanner(source, spec.ToDatasetSpec(), spec, 3, outputs, new StorageOptions(), NullLogger.Instance);

        Assert.Null(await planner.CheckAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(source.FoldersAnswered);

        LabelManifest? labelsAtFirstShard = null;
        var namesAtFirstShard = true;
        var outcome = await planner.RunAsync(0, async shard =>
        {
            if (shard.Id == 0)
            {
                labelsAtFirstShard = await LabelManifest.ReadAsync(outputs, CancellationToken.None);
                namesAtFirstShard = File.Exists(Path.Combine(_folder.Path, ShardManifest.ClassNamesName));
                Assert.False(source.FoldersAnswered);
                source.ReleaseFolders();
            }
        }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(labelsAtFirstShard!.ClassNamesToCome);
        Assert.False(namesAtFirstShard);
        Assert.True(source.FoldersAnswered);
        Assert.Equal(["class_0", "class_1", "class_2"], outcome.ClassNames);
        Assert.Equal(outcome.ClassNames, await ShardManifest.ReadClassNamesAsync(outputs, CancellationToken.None));
        var labels = await LabelManifest.ReadAsync(outputs, CancellationToken.None);
        Assert.False(labels!.ClassNamesToCome);
        Assert.NotNull(labels.FolderLayout);
        var images = new List<LabelledImage>();
        for (var shard = 0; shard < 6; shard++)
        {
            images.AddRange(await ShardManifest.ReadAsync(outputs, shard, CancellationToken.None));
        }

        Assert.Equal(source.Files, images.Select(i => i.Path));
        Assert.All(images, i => Assert.Equal(i.Path[6] - '0', i.Label));
    }

    [Fact]
    public async Task ARestartedPlanningWritesTheClassNamesThatADeadCoordinatorMayNotHave()
    {
        var source = new VirtualFolderListing(["a/1.jpg", "a/2.jpg", "b/1.jpg"]);
        source.ReleaseFolders();
        var outputs = new LocalOutputStore(_folder.Path);
        var spec = new JobSpec { ModelPath = "model.onnx", DataPath = source.Description, ShardSize = 1 };
        // The first coordinator wrote the label manifest and two shards, then died before the folder list confirmed them.
        await (LabelManifest.From(null, false, null, null) with { ClassNamesToCome = true }).WriteAsync(outputs, CancellationToken.None);
        await ShardManifest.WriteShardAsync(outputs, 0, [new LabelledImage("a/1.jpg", 0)], CancellationToken.None);
        await ShardManifest.WriteShardAsync(outputs, 1, [new LabelledImage("a/2.jpg", 0)], CancellationToken.None);
        var planner = new JobPlanner(source, spec.ToDatasetSpec(), spec, 2, outputs, new StorageOptions(), NullLogger.Instance);

        var planned = new List<int>();
        var outcome = await planner.RunAsync(2, shard =>
        {
            planned.Add(shard.Id);
            return ValueTask.CompletedTask;
        }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([0, 1, 2], planned);
        Assert.Equal(["a", "b"], await ShardManifest.ReadClassNamesAsync(outputs, CancellationToken.None));
        Assert.False((await LabelManifest.ReadAsync(outputs, CancellationToken.None))!.ClassNamesToCome);
        Assert.Equal(3, outcome.ManifestImages);
    }

    public void Dispose() => _folder.Dispose();
}
