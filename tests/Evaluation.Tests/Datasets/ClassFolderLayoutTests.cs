using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Tests.Datasets;

public sealed class ClassFolderLayoutTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private LocalFolderSource Data => new(Path.Combine(_folder.Path, "data"));

    [Fact]
    public async Task ImageNetV2FoldersAreClassIndicesReadAsNumbersNotSortedAsText()
    {
        // Sorted as text, "10" would come before "2" and every label from 2 on would be wrong.
        foreach (var c in new[] { 0, 1, 2, 10, 11 })
        {
            _folder.Write($"data/{c}/img_{c}.jpeg", [1]);
        }

        var plan = await DatasetPlanner.PlanAsync(Data, new DatasetSpec(), modelClasses: 12);
        var sharded = await ImageFolderSharder.PlanAsync(Data, new DatasetSpec(), 12, Store(), shardSize: 100, CancellationToken.None);

        Assert.Equal(ClassFolderNaming.ClassIndices, ClassFolders.Recognise(["0", "1", "10", "2"]));
        Assert.Equal([(0, "0/img_0.jpeg"), (1, "1/img_1.jpeg"), (2, "2/img_2.jpeg"), (10, "10/img_10.jpeg"), (11, "11/img_11.jpeg")],
            plan.Images.Select(i => (i.Label, i.Path)).OrderBy(p => p.Label));
        Assert.Equal(plan.Images.OrderBy(i => i.Path, StringComparer.Ordinal), (await ShardManifest.ReadAsync(Store(), 0, CancellationToken.None)).OrderBy(i => i.Path, StringComparer.Ordinal));
        Assert.Equal("10", plan.ClassNames[10]);
        Assert.Equal(plan.ClassNames, sharded.ClassNames);
        Assert.Contains("ImageNet-V2", plan.FolderLayout);
    }

    [Fact]
    public async Task ImageNetV2FoldersOnAThousandClassModelAreNamedByTheirWordNetIds()
    {
        _folder.Write("data/0/a.jpeg", [1]);
        _folder.Write("data/388/b.jpeg", [1]);
        _folder.Write("data/999/c.jpeg", [1]);

        var plan = await DatasetPlanner.PlanAsync(Data, new DatasetSpec(), modelClasses: 1000);

        Assert.Equal([0, 388, 999], plan.Images.Select(i => i.Label).Order());
        Assert.Equal(("n01440764", "n02510455", "n15075141"), (plan.ClassNames[0], plan.ClassNames[388], plan.ClassNames[999]));
    }

    [Fact]
    public async Task ClassIndexFoldersBeyondTheModelsOutputsAreRefused()
    {
        _folder.Write("data/0/a.jpg", [1]);
        _folder.Write("data/12/b.jpg", [1]);

        var error = await Assert.ThrowsAsync<DatasetException>(() => DatasetPlanner.PlanAsync(Data, new DatasetSpec(), modelClasses: 12));

        Assert.Contains("Class-index folders 12 name outputs the model does not have", error.Message);
    }

    [Fact]
    public async Task ImageNetSketchWordNetFoldersSortIntoImageNetOrder()
    {
        // Sketch's 1,000 WordNet-id folders, written in reverse: sorted they are ImageNet-1k's order, index for index.
        foreach (var id in ImageNetClasses.WordNetIds.Reverse())
        {
            _folder.Write($"data/{id}/sketch_1.JPEG", [1]);
        }

        var plan = await DatasetPlanner.PlanAsync(Data, new DatasetSpec(), modelClasses: 1000);
        var sharded = await ImageFolderSharder.PlanAsync(Data, new DatasetSpec(), 1000, Store(), shardSize: 1000, CancellationToken.None);

        Assert.All(plan.Images, i => Assert.Equal(ImageNetClasses.WordNetIds[i.Label], i.Path[..9]));
        Assert.All(await ShardManifest.ReadAsync(Store(), 0, CancellationToken.None), i => Assert.Equal(ImageNetClasses.WordNetIds[i.Label], i.Path[..9]));
        Assert.Equal(ImageNetClasses.WordNetIds, plan.ClassNames);
        Assert.Equal(plan.ClassNames, sharded.ClassNames);
        Assert.Contains("WordNet-id folders", plan.FolderLayout);
    }

    [Fact]
    public async Task FewerWordNetFoldersThanAThousandClassModelTakeTheirImageNetIndices()
    {
        // ImageNet-A / -R: 200 of the classes, at their ImageNet-1k outputs (sorted among themselves they would be 0-2).
        _folder.Write("data/n01498041/a.jpg", [1]);
        _folder.Write("data/n02510455/b.jpg", [1]);
        _folder.Write("data/n15075141/c.jpg", [1]);

        var plan = await DatasetPlanner.PlanAsync(Data, new DatasetSpec(), modelClasses: 1000);
        var sharded = await ImageFolderSharder.PlanAsync(Data, new DatasetSpec(), 1000, Store(), shardSize: 10, CancellationToken.None);

        Assert.Equal([6, 388, 999], plan.Images.Select(i => i.Label).Order());
        Assert.Equal([6, 388, 999], (await ShardManifest.ReadAsync(Store(), 0, CancellationToken.None)).Select(i => i.Label).Order());
        Assert.Contains("covers 3 of the model's 1000 classes", plan.Note);
        Assert.Equal(plan.Note, sharded.Note);
    }

    [Fact]
    public async Task NamedFoldersThatCannotBeMatchedToAThousandImageNetClassesAreRefused()
    {
        // Human-readable names sort alphabetically, an order no ImageNet model uses.
        for (var i = 0; i < 1000; i++)
        {
            _folder.Write($"data/class {i:D4} {(char)('a' + i % 26)}/x.jpg", [1]);
        }

        var planned = await Assert.ThrowsAsync<DatasetException>(() => DatasetPlanner.PlanAsync(Data, new DatasetSpec(), modelClasses: 1000));
        var sharded = await Assert.ThrowsAsync<DatasetException>(() => ImageFolderSharder.PlanAsync(Data, new DatasetSpec(), 1000, Store(), 10, CancellationToken.None));

        Assert.Contains("cannot be matched to the model's 1,000 ImageNet classes", planned.Message);
        Assert.Contains("--model-classes", planned.Message);
        Assert.Equal(planned.Message, sharded.Message);
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "out")));
    }

    [Fact]
    public async Task AModelClassListLetsNamedFoldersThroughInItsOrder()
    {
        var names = Enumerable.Range(0, 1000).Select(i => $"class_{i:D4}").ToList();
        foreach (var name in names)
        {
            _folder.Write($"data/{name}/x.jpg", [1]);
        }

        // The model's order reverses the sorted one.
        var modelClasses = _folder.Write("model-classes.txt", string.Join('\n', Enumerable.Reverse(names)));

        var plan = await DatasetPlanner.PlanAsync(Data, new DatasetSpec(ModelClassesFile: modelClasses), modelClasses: 1000);

        Assert.All(plan.Images, i => Assert.Equal(999 - int.Parse(i.Path[6..10], System.Globalization.CultureInfo.InvariantCulture), i.Label));
    }

    [Fact]
    public async Task SmallDatasetsWithNamedFoldersStillSortAsTorchvisionDoes()
    {
        _folder.Write("data/b/1.jpg", [1]);
        _folder.Write("data/a/1.jpg", [1]);

        var plan = await DatasetPlanner.PlanAsync(Data, new DatasetSpec(), modelClasses: 2);

        Assert.Equal([("a/1.jpg", 0), ("b/1.jpg", 1)], plan.Images.Select(i => (i.Path, i.Label)).OrderBy(p => p.Label));
        Assert.Contains("named class folders", plan.FolderLayout);
    }

    [Fact]
    public async Task LabelSetsAndASubsetAreReadWhileTheFoldersArePlanned()
    {
        _folder.Write("data/n01498041/ILSVRC2012_val_00000001.JPEG", [1]);
        _folder.Write("data/n02510455/ILSVRC2012_val_00000002.JPEG", [1]);
        _folder.Write("data/n02510455/ILSVRC2012_val_00000009.JPEG", [1]);
        var real = _folder.Write("real.json", "[[6, 7], []]");
        var subset = _folder.Write("subset.txt", "n01498041\n388\n5\n");
        var spec = new DatasetSpec(RealLabelsFile: real, ClassSubsetFile: subset, ClassSubsetMode: ClassSubsetMode.Argmax);

        var plan = await DatasetPlanner.PlanAsync(Data, spec, modelClasses: 1000);
        var sharded = await ImageFolderSharder.PlanAsync(Data, spec, 1000, Store(), shardSize: 10, CancellationToken.None);
        var manifest = await ShardManifest.ReadAsync(Store(), 0, CancellationToken.None);

        Assert.Equal([5, 6, 388], plan.Subset!.Classes);
        Assert.Equal(ClassSubsetMode.Argmax, sharded.Subset!.Mode);
        Assert.Null(plan.Note);
        foreach (var images in new[] { plan.Images, manifest })
        {
            var byName = images.ToDictionary(i => Path.GetFileName(i.Path));
            Assert.Equal([6, 7], byName["ILSVRC2012_val_00000001.JPEG"].RealLabels);
            Assert.Equal([], byName["ILSVRC2012_val_00000002.JPEG"].RealLabels);
            Assert.Null(byName["ILSVRC2012_val_00000009.JPEG"].RealLabels);
        }
    }

    [Fact]
    public async Task DatasetClassesOutsideTheSubsetAreRefused()
    {
        _folder.Write("data/n01498041/a.jpg", [1]);
        _folder.Write("data/n02510455/b.jpg", [1]);
        var subset = _folder.Write("subset.txt", "n01498041\n");

        var error = await Assert.ThrowsAsync<DatasetException>(() => DatasetPlanner.PlanAsync(Data, new DatasetSpec(ClassSubsetFile: subset), modelClasses: 1000));

        Assert.Contains("1 class(es) of the dataset are not in the class subset (n02510455)", error.Message);
    }

    [Fact]
    public async Task LabelSetsListingNoImageAreRefused()
    {
        _folder.Write("data/n01498041/a.jpg", [1]);
        var real = _folder.Write("real.json", "[[6]]");

        var error = await Assert.ThrowsAsync<DatasetException>(() => DatasetPlanner.PlanAsync(Data, new DatasetSpec(RealLabelsFile: real), modelClasses: 1000));

        Assert.Contains("lists none of the dataset's images", error.Message);
    }

    private LocalOutputStore Store() => new(Path.Combine(_folder.Path, "out"));

    public void Dispose() => _folder.Dispose();
}
