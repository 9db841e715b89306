using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;

namespace SENet.Client.Tests.Suites;

/// <summary><c>senet evaluate --suite</c>: one run over several datasets, each with its conventions, into one table.</summary>
public sealed class SuiteCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("senet-suite-").FullName;

    private string In(params string[] parts) => Path.Combine([_folder, .. parts]);

    /// <summary>A plain ImageFolder, and another whose images carry ImageNet-ReaL label sets (one empty), seen through ten crops.</summary>
    private async Task<string> WriteSuiteAsync()
    {
        await SyntheticImages.WriteImageFolderAsync(In("plain"), classes: 3, imagesPerClass: 4, seed: 1);
        await SyntheticImages.WriteImageFolderAsync(In("real"), classes: 3, imagesPerClass: 3, seed: 2);
        await File.WriteAllTextAsync(In("real.json"), """{"class_000/img_00000.jpg": [0, 1], "class_001/img_00000.jpg": [], "class_002/img_00001.jpg": [2], "class_001/img_00002.jpg": [0, 2]}""");
        await File.WriteAllBytesAsync(In("m.onnx"), SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 64)));
        await File.WriteAllTextAsync(In("suite.json"), """
            {"datasets": [
              {"name": "plain", "data": "plain"},
              {"name": "real", "data": "real", "real-labels": "real.json", "view": "tencrop", "layout": "imagefolder"}
            ]}
            """);
        return In("suite.json");
    }

    private static Dictionary<string, string> Row(string[] lines, int row = 1) =>
        lines[0].Split(',').Zip(lines[row].Split(',')).ToDictionary(p => p.First, p => p.Second);

    [Fact]
    public async Task ASuitesCellsAreTheSingleRunsFiguresExactly()
    {
        var suite = await WriteSuiteAsync();
        string[] common = ["--model", In("m.onnx"), "--device", "cpu", "--batch-size", "10", "--shard-size", "5"];

        var run = await CliRunner.RunAsync(["evaluate", "--suite", suite, .. common, "--out", In("out")]);
        var plain = await CliRunner.RunAsync(["evaluate", "--data", In("plain"), .. common, "--out", In("single-plain")]);
        var real = await CliRunner.RunAsync(["evaluate", "--data", In("real"), "--real-labels", In("real.json"), "--view", "tencrop", .. common, "--out", In("single-real")]);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.True(plain.ExitCode == 0 && real.ExitCode == 0, plain.Error + real.Error);
        var table = Row(await File.ReadAllLinesAsync(In("out", "suite.csv")));
        var singlePlain = Row(await File.ReadAllLinesAsync(In("single-plain", "results.csv")));
        var singleReal = Row(await File.ReadAllLinesAsync(In("single-real", "results.csv")));
        Assert.Equal(["model", "plain_top1", "plain_top5", "plain_state", "real_top1", "real_top5", "real_real_top1", "real_real_top5", "real_state"], table.Keys);
        Assert.Equal(singlePlain["model"], table["model"]);
        Assert.Equal((singlePlain["top1"], singlePlain["top5"]), (table["plain_top1"], table["plain_top5"]));
        Assert.Equal((singleReal["top1"], singleReal["top5"]), (table["real_top1"], table["real_top5"]));
        Assert.Equal((singleReal["real_top1"], singleReal["real_top5"]), (table["real_real_top1"], table["real_real_top5"]));
        Assert.Equal(("completed", "completed"), (table["plain_state"], table["real_state"]));
        // results.csv: ReaL's columns in every file, filled only where label sets were given.
        Assert.Equal(("", ""), (singlePlain["real_top1"], singlePlain["real_top5"]));
        Assert.NotEqual("", singleReal["real_top1"]);

        // Each dataset's own outputs, count for count the single run's.
        foreach (var (dataset, single) in new[] { ("plain", "single-plain"), ("real", "single-real") })
        {
            var inSuite = ReportWriter.FromJson(await File.ReadAllTextAsync(In("out", dataset, "report.json")));
            var alone = ReportWriter.FromJson(await File.ReadAllTextAsync(In(single, "report.json")));
            Assert.Equal((alone.Images, alone.Failed, alone.Top1Correct, alone.Top5Correct, alone.View), (inSuite.Images, inSuite.Failed, inSuite.Top1Correct, inSuite.Top5Correct, inSuite.View));
            Assert.Equal(alone.Labels?.Real, inSuite.Labels?.Real);
            Assert.True(Directory.Exists(In("out", dataset, "predictions")));
        }

        Assert.Equal((3L, 1L, 5L), (ReportWriter.FromJson(await File.ReadAllTextAsync(In("out", "real", "report.json"))).Labels!.Real! is var r ? (r.Images, r.EmptySkipped, r.Unlisted) : default));
        var markdown = await File.ReadAllLinesAsync(In("out", "suite.md"));
        Assert.Contains("| model | plain | real |", markdown);
        var combined = await File.ReadAllLinesAsync(In("out", "suite-results.csv"));
        Assert.Equal($"dataset,{ReportWriter.ResultsCsvHeader}", combined[0]);
        Assert.Equal(["plain", "real"], combined.Skip(1).Select(l => l.Split(',')[0]));
        Assert.Contains("suite suite: top-1 / top-5 accuracy (%)", run.Output);
        Assert.Contains($"{singleReal["top1"]} / {singleReal["top5"]}; ReaL {singleReal["real_top1"]} / {singleReal["real_top5"]}", run.Output);
        Assert.Contains("  real: named class folders, sorted (torchvision ImageFolder); ImageNet-ReaL label sets; view tencrop", run.Output);
    }

    [Fact]
    public async Task ASuiteOfSeveralModelsAndViewsHasARowPerModelAndViewEachTheJobsOwnFigures()
    {
        var suite = await WriteSuiteAsync();
        await File.WriteAllTextAsync(suite, """
            {"datasets": [
              {"name": "plain", "data": "plain"},
              {"name": "real", "data": "real", "real-labels": "real.json"}
            ]}
            """);
        await File.WriteAllBytesAsync(In("b.onnx"), SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 64, Seed: 17)));
        string[] common = ["--model", In("m.onnx"), "--model", In("b.onnx"), "--view", "center", "--view", "64@1", "--device", "cpu", "--batch-size", "10", "--shard-size", "5"];

        var run = await CliRunner.RunAsync(["evaluate", "--suite", suite, .. common, "--out", In("out")]);
        var single = await CliRunner.RunAsync(["evaluate", "--data", In("real"), "--real-labels", In("real.json"), "--model", In("b.onnx"), "--view", "64@1",
            "--device", "cpu", "--batch-size", "10", "--shard-size", "5", "--out", In("single-b")]);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.True(single.ExitCode == 0, single.Error);
        var lines = await File.ReadAllLinesAsync(In("out", "suite.csv"));
        Assert.Equal("model,view,plain_top1,plain_top5,plain_state,real_top1,real_top5,real_real_top1,real_real_top5,real_state", lines[0]);
        Assert.Equal(["m,center", "m,64@1", "b,center", "b,64@1"], lines.Skip(1).Select(l => string.Join(',', l.Split(',')[..2])));
        // Every cell is its dataset's job's own figure for that model × view, as its results.csv under OUT/DATASET/<model>/<view>/ rounds it.
        for (var row = 1; row < lines.Length; row++)
        {
            var cells = Row(lines, row);
            foreach (var dataset in new[] { "plain", "real" })
            {
                var own = Row(await File.ReadAllLinesAsync(In("out", dataset, cells["model"], cells["view"], "results.csv")));
                Assert.Equal((own["top1"], own["top5"], own["state"]), (cells[$"{dataset}_top1"], cells[$"{dataset}_top5"], cells[$"{dataset}_state"]));
            }

            Assert.Equal(Row(await File.ReadAllLinesAsync(In("out", "real", cells["model"], cells["view"], "results.csv")))["real_top1"], cells["real_real_top1"]);
        }

        // And one of them, count for count, the single run of that model and view.
        var alone = ReportWriter.FromJson(await File.ReadAllTextAsync(In("single-b", "report.json")));
        var inSuite = ReportWriter.FromJson(await File.ReadAllTextAsync(In("out", "real", "b", "64@1", "report.json")));
        Assert.Equal((alone.Images, alone.Failed, alone.Top1Correct, alone.Top5Correct, alone.View), (inSuite.Images, inSuite.Failed, inSuite.Top1Correct, inSuite.Top5Correct, inSuite.View));
        Assert.Equal(alone.Labels?.Real, inSuite.Labels?.Real);
        var singleRow = Row(await File.ReadAllLinesAsync(In("single-b", "results.csv")));
        Assert.Equal((singleRow["top1"], singleRow["real_top1"]), (Row(lines, 4)["real_top1"], Row(lines, 4)["real_real_top1"]));

        Assert.Contains("| model | view | plain | real |", await File.ReadAllLinesAsync(In("out", "suite.md")));
        var combined = await File.ReadAllLinesAsync(In("out", "suite-results.csv"));
        Assert.Equal($"dataset,{ReportWriter.ResultsCsvHeader},view", combined[0]);
        Assert.Equal(["plain,m,center", "plain,m,64@1", "plain,b,center", "plain,b,64@1", "real,m,center", "real,m,64@1", "real,b,center", "real,b,64@1"],
            combined.Skip(1).Select(l => $"{l.Split(',')[0]},{l.Split(',')[1]},{l.Split(',')[^1]}"));
    }

    [Fact]
    public async Task ABadEntryIsRefusedNamingItBeforeAnyWork()
    {
        var suite = await WriteSuiteAsync();
        await File.WriteAllTextAsync(suite, """
            {"datasets": [
              {"name": "plain", "data": "plain", "view": "sideways"},
              {"name": "real", "data": "real", "real-labels": "gone.json"}
            ]}
            """);

        var (exitCode, _, stderr) = await CliRunner.RunAsync("evaluate", "--suite", suite, "--model", In("m.onnx"), "--device", "cpu", "--out", In("out"));

        Assert.Equal(1, exitCode);
        Assert.Contains($"suite.json line 2, dataset 1 'plain': --view sideways cannot work", stderr);
        Assert.Contains($"suite.json line 3, dataset 2 'real': real-labels file '{In("gone.json")}' does not exist", stderr);
        Assert.Contains("nothing was evaluated", stderr);
        Assert.False(Directory.Exists(In("out")));
    }

    [Theory]
    [InlineData("--real-labels", "--real-labels is one dataset's and cannot go with --suite: set \"real-labels\" in the suite's entries instead.")]
    [InlineData("--data", "--data is one dataset's and cannot go with --suite")]
    [InlineData(null, "--suite needs --out")]
    public async Task OptionsThatCannotGoWithASuiteAreRefused(string? option, string expected)
    {
        var suite = await WriteSuiteAsync();
        string[] extra = option is null ? [] : [option, In("real.json"), "--out", In("out")];

        var (exitCode, _, stderr) = await CliRunner.RunAsync(["evaluate", "--suite", suite, "--model", In("m.onnx"), "--device", "cpu", .. extra]);

        Assert.Equal(1, exitCode);
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public async Task AnEntryItsCoordinatorRefusesIsNamedAndTheOthersAreCancelled()
    {
        var suite = await WriteSuiteAsync();
        await SyntheticImages.WriteImageFolderAsync(In("two"), classes: 2, imagesPerClass: 2);
        await File.WriteAllTextAsync(suite, """
            {"datasets": [
              {"name": "plain", "data": "plain"},
              {"name": "two", "data": "two"}
            ]}
            """);

        var (exitCode, _, stderr) = await CliRunner.RunAsync("evaluate", "--suite", suite, "--model", In("m.onnx"), "--device", "cpu", "--shard-size", "1", "--out", In("out"));

        Assert.Equal(1, exitCode);
        Assert.Contains("suite.json line 3, dataset 2 'two' was refused: The model outputs 3 classes but the dataset has 2", stderr);
        Assert.Contains("The 1 dataset(s) started before it (plain) were cancelled", stderr);
        Assert.False(File.Exists(In("out", "suite.csv")));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
