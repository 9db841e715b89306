using System.Text.Json;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;

namespace SENet.Client.Tests;

public sealed class EvaluateCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("senet-eval-");

    [Fact]
    public async Task EvaluateWritesReportResultsAndOnePredictionPerScoredImage()
    {
        var data = Path.Combine(_folder.FullName, "data");
        await SyntheticImages.WriteImageFolderAsync(data, classes: 3, imagesPerClass: 4, truncatedImages: 1);
        var model = Path.Combine(_folder.FullName, "m.onnx");
        await File.WriteAllBytesAsync(model, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 96)));
        var output = Path.Combine(_folder.FullName, "out");

        var (exitCode, stdout, stderr) = await CliRunner.RunAsync("evaluate", "--data", data, "--model", model, "--device", "cpu", "--batch-size", "5", "--shard-size", "5", "--crop-pct", "0.75", "--out", output);

        Assert.True(exitCode == 0, stderr);
        var report = ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(output, "report.json")));
        Assert.Equal((12L, 1L), (report.Images, report.Failed));
        Assert.Equal(96, report.ImageSize);
        Assert.Equal(["class_000", "class_001", "class_002"], report.PerClass.Select(c => c.Name));
        Assert.Contains("truncated_000.jpg", report.Failures.Single().ImageId);
        var predictions = Directory.GetFiles(Path.Combine(output, "predictions"), "shard-*.csv").SelectMany(p => File.ReadAllLines(p).Skip(1)).ToList();
        Assert.Equal(12, predictions.Count);
        Assert.Equal(report.Top1Correct, predictions.Select(l => l.Split(',')).Count(f => f[1] == f[2]));
        var results = await File.ReadAllLinesAsync(Path.Combine(output, "results.csv"));
        Assert.Equal(ReportWriter.ResultsCsvHeader, results[0]);
        Assert.StartsWith("seresnet18,", results[1]);
        Assert.Contains("top-1 error", stdout);
        Assert.Contains("progress: 13/13 images (1 failed)", stderr);
    }

    [Fact]
    public async Task IntervalsCalibrationAndOneSortedNamedPredictionsCsvReachEveryOutput()
    {
        var data = Path.Combine(_folder.FullName, "data");
        await SyntheticImages.WriteImageFolderAsync(data, classes: 3, imagesPerClass: 4);
        var model = Path.Combine(_folder.FullName, "m.onnx");
        await File.WriteAllBytesAsync(model, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 64)));
        var output = Path.Combine(_folder.FullName, "out");

        var (exitCode, stdout, stderr) = await CliRunner.RunAsync("evaluate", "--data", data, "--model", model, "--device", "cpu", "--shard-size", "5",
            "--confidence-level", "0.9", "--outputs", "logits", "--predictions-csv", "--out", output);

        Assert.True(exitCode == 0, stderr);
        var report = ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(output, "report.json")));
        Assert.Equal(WilsonInterval.Percent(report.Top1Correct, 12, 0.9), report.Intervals!.Top1Accuracy);
        Assert.Equal(("logits", "declared", 12L), (report.Calibration!.Outputs, report.Calibration.OutputsSource, report.Calibration.Images));
        var results = await File.ReadAllLinesAsync(Path.Combine(output, "results.csv"));
        Assert.Equal("0.9", results[1].Split(',')[Array.IndexOf(results[0].Split(','), "ci_level")]);
        Assert.Contains("90 % Wilson", stdout);
        Assert.Contains("ECE", stdout);
        Assert.Contains("id=\"reliability\"", await File.ReadAllTextAsync(Path.Combine(output, "report.html")));
        var joined = (await File.ReadAllLinesAsync(Path.Combine(output, "predictions.csv"))).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(12, joined.Count);
        Assert.Equal(joined.Select(r => r[0]).Order(StringComparer.Ordinal), joined.Select(r => r[0]));
        Assert.All(joined, r => Assert.Equal(r[0][..r[0].IndexOf('/')], r[13]));
    }

    [Fact]
    public async Task ClassCountMismatchFailsBeforeAnyImageWithAClearError()
    {
        var data = Path.Combine(_folder.FullName, "data");
        await SyntheticImages.WriteImageFolderAsync(data, classes: 2, imagesPerClass: 1);
        var model = Path.Combine(_folder.FullName, "m.onnx");
        await File.WriteAllBytesAsync(model, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 5, InputSize: 64)));

        var (exitCode, _, stderr) = await CliRunner.RunAsync("evaluate", "--data", data, "--model", model, "--device", "cpu");

        Assert.Equal(1, exitCode);
        Assert.Contains("error: The model outputs 5 classes but the dataset has 2", stderr);
        Assert.DoesNotContain("progress:", stderr);
    }

    [Fact]
    public async Task MissingDatasetFolderIsAClearError()
    {
        var (exitCode, _, stderr) = await CliRunner.RunAsync("evaluate", "--data", Path.Combine(_folder.FullName, "nope"), "--model", "m.onnx");

        Assert.Equal(1, exitCode);
        Assert.Contains("does not exist", stderr);
    }

    [Fact]
    public async Task DemoEvaluatesAGeneratedDatasetEndToEnd()
    {
        var keep = Path.Combine(_folder.FullName, "demo");

        var (exitCode, stdout, stderr) = await CliRunner.RunAsync("demo", "--classes", "3", "--images-per-class", "3", "--keep", keep, "--device", "cpu");

        Assert.True(exitCode == 0, stderr);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(keep, "out", "report.json")));
        Assert.Equal(9, report.RootElement.GetProperty("images").GetInt64());
        Assert.Equal(1, report.RootElement.GetProperty("failed").GetInt64());
        Assert.Contains("seeded, not trained", stdout);
        Assert.Equal("3", ModelInspector.Inspect(await File.ReadAllBytesAsync(Path.Combine(keep, "model.onnx"))).Outputs[0].Dimensions[1]);
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
