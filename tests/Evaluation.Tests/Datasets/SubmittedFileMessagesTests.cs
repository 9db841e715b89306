using SENet.Evaluation.Datasets;

namespace SENet.Evaluation.Tests.Datasets;

/// <summary>Errors about a file the submitter named point at lines and forms, never quote it: it may be a silo's secret.</summary>
public sealed class SubmittedFileMessagesTests : IDisposable
{
    private const string Passwd = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";

    private readonly TempFolder _folder = new();

    [Theory]
    [InlineData("val.txt", "line 1, column 1: no space or tab separates an image from a label")]
    [InlineData("val.csv", "line 1, column 32: no comma (outside quotes) separates a path from a label")]
    public async Task AMalformedLabelsFileIsRefusedByLineAndColumnWithoutQuotingIt(string name, string expected)
    {
        _folder.Write("images/a.jpg", [1]);
        var labels = _folder.Write(name, Passwd);

        var error = await Assert.ThrowsAsync<DatasetException>(() =>
            DatasetPlanner.PlanAsync(new LocalFolderSource(Path.Combine(_folder.Path, "images")), new DatasetSpec(LabelsFile: labels), 2));

        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain("root", error.Message.Replace(_folder.Path, ""));
    }

    [Theory]
    [InlineData("a.jpg 1\nsecret-value x2\n", "line 2, column 14: the label is not a non-negative integer")]
    [InlineData("a.jpg,1,secret\n", "line 1, column 8: a second comma outside quotes")]
    [InlineData("\"a.jpg,secret\n", "line 1, column 14: no comma (outside quotes) separates a path from a label")]
    public void ParseErrorsPointAtTheColumn(string text, string expected)
    {
        var error = Assert.Throws<DatasetException>(() => LabelFileParser.Parse("labels.txt", text, text.Contains(',') ? LabelFormat.Csv : LabelFormat.CaffeValTxt));

        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }

    [Fact]
    public async Task ALabelsFileThatNamesNoImageOfTheDatasetIsRefusedWithoutEchoingItsEntries()
    {
        _folder.Write("images/a.jpg", [1]);
        var labels = _folder.Write("settings.txt", "AccountKey=abc123 1\nPassword=hunter2 0\n");

        var error = await Assert.ThrowsAsync<DatasetException>(() =>
            DatasetPlanner.PlanAsync(new LocalFolderSource(Path.Combine(_folder.Path, "images")), new DatasetSpec(LabelsFile: labels, OnMissing: MissingPolicy.SkipAndReport), 2));

        Assert.Contains("No entry of the labels file", error.Message);
        Assert.DoesNotContain("abc123", error.Message);
        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Fact]
    public async Task AModelClassListOfTheWrongLengthIsRefusedWithoutItsLineCount()
    {
        _folder.Write("images/a/x.jpg", [1]);
        _folder.Write("images/b/y.jpg", [1]);
        var longer = _folder.Write("long.txt", string.Concat(Enumerable.Range(0, 17).Select(i => $"class{i}\n")));
        var shorter = _folder.Write("short.txt", "a\n");
        var source = new LocalFolderSource(Path.Combine(_folder.Path, "images"));

        var more = await Assert.ThrowsAsync<DatasetException>(() => DatasetPlanner.PlanAsync(source, new DatasetSpec(ModelClassesFile: longer), 2));
        var fewer = await Assert.ThrowsAsync<DatasetException>(() => DatasetPlanner.PlanAsync(source, new DatasetSpec(ModelClassesFile: shorter), 2));

        Assert.Contains("names more classes than the model's 2 outputs (line 3 names one too many)", more.Message);
        Assert.Contains("names fewer classes than the model's 2 outputs", fewer.Message);
        Assert.DoesNotContain("17", more.Message.Replace(_folder.Path, ""));
        Assert.DoesNotContain(" 1 ", fewer.Message);
    }

    [Fact]
    public async Task ClassNamesReadFromAClassListAreNotQuotedBack()
    {
        _folder.Write("images/a.jpg", [1]);
        var labels = _folder.Write("val.txt", "a.jpg 0\n");
        var classList = _folder.Write("classes.txt", Passwd);
        var modelClasses = _folder.Write("model.txt", "x\ny\n");
        var source = new LocalFolderSource(Path.Combine(_folder.Path, "images"));

        var count = await Assert.ThrowsAsync<DatasetException>(() => DatasetPlanner.PlanAsync(source, new DatasetSpec(LabelsFile: labels, ClassListFile: classList), 3));
        var unknown = await Assert.ThrowsAsync<DatasetException>(() => DatasetPlanner.PlanAsync(source, new DatasetSpec(LabelsFile: labels, ClassListFile: classList, ModelClassesFile: modelClasses), 2));

        Assert.Contains("names fewer", count.Message);
        Assert.Contains("are not in the model class list", unknown.Message);
        Assert.DoesNotContain("root", (count.Message + unknown.Message).Replace(_folder.Path, ""));
        Assert.DoesNotContain("daemon", count.Message + unknown.Message);
    }

    [Fact]
    public async Task AClassListFoundBesideTheLabelsIsHeldToTheInputRootsToo()
    {
        _folder.Write("root/val/ILSVRC2012_val_00000001.JPEG", [1]);
        var labels = _folder.Write("root/meta/LOC_val_solution.csv", "ImageId,PredictionString\nILSVRC2012_val_00000001,n01440764 1 2 3 4\n");
        var outside = _folder.Write("outside/synsets.txt", "n01440764 tench\n");
        File.CreateSymbolicLink(Path.Combine(_folder.Path, "root", "meta", "LOC_synset_mapping.txt"), outside);
        var storage = new SENet.Evaluation.Storage.StorageOptions { InputRoots = [Path.Combine(_folder.Path, "root")] };
        var source = new LocalFolderSource(Path.Combine(_folder.Path, "root", "val"));

        var error = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => DatasetPlanner.PlanAsync(source, new DatasetSpec(LabelsFile: labels, Storage: storage), 1));
        var unrestricted = await DatasetPlanner.PlanAsync(source, new DatasetSpec(LabelsFile: labels), 1);

        Assert.Contains("--class-list", error.Message);
        Assert.Contains("SENet:Storage:InputRoots", error.Message);
        Assert.Single(unrestricted.Images);
    }

    public void Dispose() => _folder.Dispose();
}
