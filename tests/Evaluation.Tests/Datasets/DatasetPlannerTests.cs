using SENet.Evaluation.Datasets;

namespace SENet.Evaluation.Tests.Datasets;

public sealed class DatasetPlannerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task ImageFolderSortsClassesOrdinallyAndLabelsByFolder()
    {
        _folder.Write("b/1.jpg", [1]);
        _folder.Write("B/2.JPEG", [1]);
        _folder.Write("a/deeper/3.png", [1]);
        _folder.Write("readme.txt", "not an image");
        _folder.Write("loose.jpg", [1]);

        var plan = await DatasetPlanner.PlanAsync(new LocalFolderSource(_folder.Path), new DatasetSpec(), modelClasses: 3);

        Assert.Equal(["B", "a", "b"], plan.ClassNames);
        Assert.Equal([new LabelledImage("B/2.JPEG", 0), new LabelledImage("a/deeper/3.png", 1), new LabelledImage("b/1.jpg", 2)], plan.Images);
        Assert.Equal(2, plan.IgnoredFiles);
        Assert.Empty(plan.Issues);
    }

    [Fact]
    public async Task CaffeValTxtGivesIntegerLabelsAndAllowsSpacesInNames()
    {
        _folder.Write("images/ILSVRC2012_val_00000001.JPEG", [1]);
        _folder.Write("images/my photo.jpg", [1]);
        var labels = _folder.Write("val.txt", "ILSVRC2012_val_00000001.JPEG 65\nmy photo.jpg 7\n");

        var plan = await DatasetPlanner.PlanAsync(new LocalFolderSource(Path.Combine(_folder.Path, "images")), new DatasetSpec(LabelsFile: labels), modelClasses: 1000);

        Assert.Equal([new LabelledImage("ILSVRC2012_val_00000001.JPEG", 65), new LabelledImage("my photo.jpg", 7)], plan.Images);
    }

    [Fact]
    public async Task KaggleSolutionTakesClassOrderFromTheSynsetMappingBesideIt()
    {
        _folder.Write("val/ILSVRC2012_val_00000001.JPEG", [1]);
        _folder.Write("val/ILSVRC2012_val_00000002.JPEG", [1]);
        var labels = _folder.Write("meta/LOC_val_solution.csv",
            "ImageId,PredictionString\nILSVRC2012_val_00000001,n01751748 111 2 333 4 n01751748 5 6 7 8\nILSVRC2012_val_00000002,n01440764 1 2 3 4\n");
        _folder.Write("meta/LOC_synset_mapping.txt", "n01440764 tench, Tinca tinca\nn01443537 goldfish, Carassius auratus\nn01751748 sea snake\n");

        var plan = await DatasetPlanner.PlanAsync(new LocalFolderSource(Path.Combine(_folder.Path, "val")), new DatasetSpec(LabelsFile: labels), modelClasses: 3);

        Assert.Equal(["n01440764", "n01443537", "n01751748"], plan.ClassNames);
        Assert.Equal([new LabelledImage("ILSVRC2012_val_00000001.JPEG", 2), new LabelledImage("ILSVRC2012_val_00000002.JPEG", 0)], plan.Images);
    }

    [Fact]
    public async Task CsvAcceptsAHeaderQuotedPathsAndClassNames()
    {
        _folder.Write("x/a,b.jpg", [1]);
        _folder.Write("x/c.jpg", [1]);
        var labels = _folder.Write("labels.csv", "path,label\n\"a,b.jpg\",dog\nc.jpg,cat\n");

        var plan = await DatasetPlanner.PlanAsync(new LocalFolderSource(Path.Combine(_folder.Path, "x")), new DatasetSpec(LabelsFile: labels), modelClasses: 2);

        Assert.Equal(["cat", "dog"], plan.ClassNames);
        Assert.Equal([new LabelledImage("a,b.jpg", 1), new LabelledImage("c.jpg", 0)], plan.Images);
    }

    [Fact]
    public async Task EveryKindOfLabelProblemIsNamedAndFailsTheRunByDefault()
    {
        var labels = WriteProblemDataset();

        var error = await Assert.ThrowsAsync<DatasetException>(() =>
            DatasetPlanner.PlanAsync(new LocalFolderSource(Path.Combine(_folder.Path, "img")), new DatasetSpec(LabelsFile: labels, ClassListFile: ClassList()), modelClasses: 2));

        Assert.Contains("4 problem(s)", error.Message);
        Assert.Contains("unlabelled.jpg: image has no entry", error.Message);
        Assert.Contains("wolfy.jpg: the class at line 2 of", error.Message);
        Assert.Contains("good.jpg: listed again at line 4", error.Message);
        Assert.Contains("gone.jpg: listed at line 3", error.Message);
        Assert.Contains("--on-missing skip-and-report", error.Message);
    }

    [Fact]
    public async Task SkipAndReportEvaluatesTheRestAndListsEachProblem()
    {
        var labels = WriteProblemDataset();

        var plan = await DatasetPlanner.PlanAsync(new LocalFolderSource(Path.Combine(_folder.Path, "img")),
            new DatasetSpec(LabelsFile: labels, ClassListFile: ClassList(), OnMissing: MissingPolicy.SkipAndReport), modelClasses: 2);

        Assert.Equal([new LabelledImage("good.jpg", 0)], plan.Images);
        Assert.Equal(
            [DatasetIssueKind.UnknownClass, DatasetIssueKind.MissingImage, DatasetIssueKind.DuplicateEntry, DatasetIssueKind.MissingLabel],
            plan.Issues.Select(i => i.Kind));
        Assert.Equal(3, plan.UnscorableImages);
    }

    [Fact]
    public async Task ClassCountDifferentFromTheModelIsRefusedBeforeReadingImages()
    {
        _folder.Write("a/1.jpg", [1]);
        _folder.Write("b/1.jpg", [1]);

        var error = await Assert.ThrowsAsync<DatasetException>(() => DatasetPlanner.PlanAsync(new LocalFolderSource(_folder.Path), new DatasetSpec(), modelClasses: 1000));

        Assert.Contains("model outputs 1000 classes but the dataset has 2", error.Message);
        Assert.Contains("--model-classes", error.Message);
    }

    [Fact]
    public async Task ModelClassListRemapsDatasetLabelsToModelOutputs()
    {
        _folder.Write("data/apple/1.jpg", [1]);
        _folder.Write("data/banana/1.jpg", [1]);
        _folder.Write("data/cherry/1.jpg", [1]);
        var modelOrder = _folder.Write("model-classes.txt", "cherry\napple\nbanana\n");

        var plan = await DatasetPlanner.PlanAsync(new LocalFolderSource(Path.Combine(_folder.Path, "data")), new DatasetSpec(ModelClassesFile: modelOrder), modelClasses: 3);

        Assert.Equal([1, 2, 0], plan.Images.Select(i => i.Label));
    }

    [Fact]
    public async Task WithAModelClassListEachLabelIndexIsNamedAfterItsOwnClass()
    {
        _folder.Write("data/apple/1.jpg", [1]);
        _folder.Write("data/banana/1.jpg", [1]);
        _folder.Write("data/cherry/1.jpg", [1]);
        var modelOrder = _folder.Write("model-classes.txt", "cherry\napple\nbanana\n");
        var source = new LocalFolderSource(Path.Combine(_folder.Path, "data"));
        var spec = new DatasetSpec(ModelClassesFile: modelOrder);

        var plan = await DatasetPlanner.PlanAsync(source, spec, modelClasses: 3);
        var sharded = await ImageFolderSharder.PlanAsync(source, spec, 3, new SENet.Evaluation.Storage.LocalOutputStore(Path.Combine(_folder.Path, "out")), shardSize: 2, CancellationToken.None);

        // Report rows, confusions and predictions name index c by ClassNames[c]: an image's label must name its own folder.
        Assert.All(plan.Images, i => Assert.Equal(i.Path[..i.Path.IndexOf('/')], plan.ClassNames[i.Label]));
        Assert.Equal(["cherry", "apple", "banana"], plan.ClassNames);
        Assert.Equal(plan.ClassNames, sharded.ClassNames);
    }

    [Fact]
    public async Task MalformedLabelLineIsNamedByLineNumber()
    {
        _folder.Write("img/a.jpg", [1]);
        var labels = _folder.Write("val.txt", "a.jpg 1\nb.jpg seven\n");

        var error = await Assert.ThrowsAsync<DatasetException>(() =>
            DatasetPlanner.PlanAsync(new LocalFolderSource(Path.Combine(_folder.Path, "img")), new DatasetSpec(LabelsFile: labels), modelClasses: 10));

        Assert.Contains("line 2, column 7: the label is not a non-negative integer", error.Message);
        Assert.DoesNotContain("seven", error.Message);
    }

    [Fact]
    public async Task IntegerLabelOutsideTheModelsClassesIsRefused()
    {
        _folder.Write("img/a.jpg", [1]);
        var labels = _folder.Write("val.txt", "a.jpg 10\n");

        var error = await Assert.ThrowsAsync<DatasetException>(() =>
            DatasetPlanner.PlanAsync(new LocalFolderSource(Path.Combine(_folder.Path, "img")), new DatasetSpec(LabelsFile: labels), modelClasses: 10));

        Assert.Contains("label 10, outside the model's 10 classes", error.Message);
    }

    [Fact]
    public async Task AnEmptyFolderSaysNoImagesWereFound()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "empty"));

        var error = await Assert.ThrowsAsync<DatasetException>(() => DatasetPlanner.PlanAsync(new LocalFolderSource(Path.Combine(_folder.Path, "empty")), new DatasetSpec(), 10));

        Assert.Contains("No images found", error.Message);
    }

    [Fact]
    public async Task PathsThatLeaveTheDatasetFolderAreRefused()
    {
        _folder.Write("secret.jpg", [1]);
        Directory.CreateDirectory(Path.Combine(_folder.Path, "data"));
        var source = new LocalFolderSource(Path.Combine(_folder.Path, "data"));

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => source.ReadAsync("../secret.jpg", CancellationToken.None));
    }

    private string WriteProblemDataset()
    {
        _folder.Write("img/good.jpg", [1]);
        _folder.Write("img/unlabelled.jpg", [1]);
        _folder.Write("img/wolfy.jpg", [1]);
        return _folder.Write("labels.csv", "good.jpg,cat\nwolfy.jpg,wolf\ngone.jpg,dog\ngood.jpg,dog\n");
    }

    private string ClassList() => _folder.Write("classes.txt", "cat\ndog\n");

    public void Dispose() => _folder.Dispose();
}
