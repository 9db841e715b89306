using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;

namespace SENet.Client.Tests;

/// <summary>
/// <c>senet evaluate</c> with several models and views: one job on the embedded silo, one pass whose every model × view
/// equals, count for count and prediction for prediction, the single-model evaluate of that model and view.
/// </summary>
public sealed class MultiModelEvaluateTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("senet-multi-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task EveryModelAndViewEqualsItsSingleModelEvaluation()
    {
        var data = Path.Combine(_folder.FullName, "data");
        await SyntheticImages.WriteImageFolderAsync(data, classes: 3, imagesPerClass: 5, truncatedImages: 1);
        var models = new[] { "alpha", "beta" }.Select((name, seed) => (Name: name, Path: Path.Combine(_folder.FullName, $"{name}.onnx"))).ToList();
        for (var i = 0; i < models.Count; i++)
        {
            await File.WriteAllBytesAsync(models[i].Path, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 64, Seed: 11UL + (ulong)i)));
        }

        var output = Path.Combine(_folder.FullName, "out");
        string[] views = ["center", "64@1"];

        var (exitCode, stdout, stderr) = await CliRunner.RunAsync("evaluate", "--data", data, "--model", models[0].Path, "--model", models[1].Path,
            "--view", views[0], "--view", views[1], "--device", "cpu", "--batch-size", "4", "--shard-size", "5", "--out", output);

        Assert.True(exitCode == 0, stderr);
        // One job on the embedded silo (answered while it may still be listing), its shards serving every model × view.
        Assert.Matches(@"job job-\S+: (16 images in 4 shards|planning in the background, \d+ images in \d+ shards listed so far) for 4 evaluations in one pass \(2 model\(s\) × 2 view\(s\)\)", stderr);
        var combined = await File.ReadAllLinesAsync(Path.Combine(output, "results.csv"));
        Assert.Equal(ReportWriter.ResultsCsvHeader + ",view", combined[0]);
        Assert.Equal(["alpha,center", "alpha,64@1", "beta,center", "beta,64@1"], combined.Skip(1).Select(l => $"{l.Split(',')[0]},{l.Split(',')[^1]}"));
        foreach (var (name, path) in models)
        {
            foreach (var view in views)
            {
                var single = Path.Combine(_folder.FullName, $"single-{name}-{view}");
                var (singleExit, _, singleError) = await CliRunner.RunAsync("evaluate", "--data", data, "--model", path, "--view", view, "--device", "cpu",
                    "--batch-size", "4", "--shard-size", "7", "--predictions-csv", "--out", single);
                Assert.True(singleExit == 0, singleError);
                var alone = ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(single, "report.json")));
                var shared = ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(output, name, view, "report.json")));
                Assert.Equal((alone.Images, alone.Failed, alone.Top1Correct, alone.Top5Correct), (shared.Images, shared.Failed, shared.Top1Correct, shared.Top5Correct));
                Assert.Equal(alone.PerClass.Select(c => (c.Images, c.Top1Correct, c.Top5Correct)), shared.PerClass.Select(c => (c.Images, c.Top1Correct, c.Top5Correct)));
                Assert.Equal(alone.TopConfusions, shared.TopConfusions);
                Assert.Equal((alone.ImageSize, alone.CropPct, alone.View), (shared.ImageSize, shared.CropPct, shared.View));
                Assert.Equal(await File.ReadAllLinesAsync(Path.Combine(single, "predictions.csv")), await File.ReadAllLinesAsync(Path.Combine(output, name, view, "predictions.csv")));
                var singleRow = (await File.ReadAllLinesAsync(Path.Combine(single, "results.csv")))[1].Split(',');
                var combinedRow = combined.Single(l => l.StartsWith($"{name},", StringComparison.Ordinal) && l.EndsWith($",{view}", StringComparison.Ordinal)).Split(',');
                Assert.Equal(singleRow[1..], combinedRow[1..^1]);
            }
        }

        Assert.Contains("4 evaluations, one pass", stdout);
    }

    [Fact]
    public async Task AModelsFileWithOneModelOfTheWrongClassCountIsRefusedNamingItBeforeAnyImage()
    {
        var data = Path.Combine(_folder.FullName, "data");
        await SyntheticImages.WriteImageFolderAsync(data, classes: 3, imagesPerClass: 2);
        await File.WriteAllBytesAsync(Path.Combine(_folder.FullName, "good.onnx"), SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 64)));
        await File.WriteAllBytesAsync(Path.Combine(_folder.FullName, "five.onnx"), SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 5, InputSize: 64)));
        var list = Path.Combine(_folder.FullName, "models.txt");
        await File.WriteAllLinesAsync(list, ["# a zoo", "good.onnx", "wrong-head = five.onnx"]);
        var output = Path.Combine(_folder.FullName, "out");

        var (exitCode, _, stderr) = await CliRunner.RunAsync("evaluate", "--data", data, "--models", list, "--device", "cpu", "--out", output);

        Assert.Equal(1, exitCode);
        Assert.Contains("error: Model wrong-head (five.onnx) outputs 5 classes but good outputs 3", stderr);
        // Refused by the job's coordinator before its first shard: no job line, no outputs.
        Assert.DoesNotContain("images in", stderr);
        Assert.False(Directory.Exists(output));
    }
}
