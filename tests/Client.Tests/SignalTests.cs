using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;

namespace SENet.Client.Tests;

/// <summary>
/// A real <c>senet evaluate</c> process signalled mid-job: the first SIGINT or SIGTERM cancels the job, writes its
/// partial report marked cancelled and exits with 130; a second one exits at once.
/// </summary>
public sealed class SignalTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("senet-signal-").FullName;

    private string Data => Path.Combine(_folder, "data");

    private string Model => Path.Combine(_folder, "m.onnx");

    public async Task InitializeAsync()
    {
        // Slow enough (SE-ResNet-50 at 224, one image a batch, one thread) that the job is still running when signalled.
        await SyntheticImages.WriteImageFolderAsync(Data, classes: 2, imagesPerClass: 200);
        await File.WriteAllBytesAsync(Model, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet50, Classes: 2)));
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task TheFirstSignalCancelsTheJobWritesThePartialReportAndExits(string signal)
    {
        var output = Path.Combine(_folder, $"out-{signal}");
        await using var evaluate = await StartMidJobAsync(output);

        await evaluate.SignalAsync(signal);
        var exitCode = await evaluate.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 130, $"exit code {exitCode}: {evaluate.Output}");
        var report = ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(output, "report.json")));
        Assert.Equal("cancelled", report.State);
        Assert.True(report.Images + report.Failed < 400, "the job finished before the signal: the test proves nothing");
        Assert.Contains("cancelling", evaluate.Output);
    }

    [Fact]
    public async Task TheFirstSignalCancelsAJobOfSeveralModelsAndEachModelsPartialReportSaysSo()
    {
        var output = Path.Combine(_folder, "out-many");
        var list = Path.Combine(_folder, "zoo.txt");
        await File.WriteAllLinesAsync(list, [$"first = {Model}", $"second = {Model}"]);
        await using var evaluate = await StartMidJobAsync(output, ["--models", list], scored: true);

        await evaluate.SignalAsync("INT");
        var exitCode = await evaluate.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 130, $"exit code {exitCode}: {evaluate.Output}");
        foreach (var model in new[] { "first", "second" })
        {
            var report = ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(output, model, "report.json")));
            Assert.Equal("cancelled", report.State);
            Assert.True(report.Images + report.Failed < 400, "the job finished before the signal: the test proves nothing");
        }

        Assert.Contains("cancelling", evaluate.Output);
        Assert.True(evaluate.Output.Contains("2 evaluations, one pass", StringComparison.Ordinal), evaluate.Output);
    }

    [Fact]
    public async Task ASecondSignalExitsAtOnce()
    {
        await using var evaluate = await StartMidJobAsync(Path.Combine(_folder, "out-twice"));

        await evaluate.SignalAsync("INT");
        await evaluate.SignalAsync("INT");
        var exitCode = await evaluate.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 130, $"exit code {exitCode}: {evaluate.Output}");
        Assert.Contains("again: exiting now", evaluate.Output);
    }

    /// <summary>Starts <c>evaluate</c> and waits until it has reported progress, so the job is running.</summary>
    /// <param name="scored">Wait until some image is scored (not only listed), so that the partial reports have figures.</param>
    private async Task<DotnetProcess> StartMidJobAsync(string output, string[]? models = null, bool scored = false)
    {
        var evaluate = DotnetProcess.Start("senet.dll",
            ["evaluate", "--data", Data, .. models ?? ["--model", Model], "--device", "cpu", "--threads", "1", "--batch-size", "1", "--shard-size", "4", "--out", output],
            new Dictionary<string, string>());
        var running = new System.Text.RegularExpressions.Regex(scored ? "progress: [1-9]" : "progress: ");
        for (var attempt = 0; attempt < 1200 && !running.IsMatch(evaluate.Output); attempt++)
        {
            Assert.False(evaluate.HasExited, evaluate.Output);
            await Task.Delay(100);
        }

        Assert.Matches(running, evaluate.Output);
        return evaluate;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
