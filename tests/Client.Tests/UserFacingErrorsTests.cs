using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;

namespace SENet.Client.Tests;

/// <summary>What a person meets when a value cannot work or a job cannot: the option named, what it allows, no .NET internals.</summary>
public sealed class UserFacingErrorsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("senet-ux-");

    [Theory]
    [InlineData("--classes", "model", "build", "seresnet18", "--classes", "0", "--out", "/tmp/never.onnx")]
    [InlineData("--reduction", "model", "build", "seresnet18", "--reduction", "-1", "--out", "/tmp/never.onnx")]
    [InlineData("--input-size", "model", "build", "seresnet18", "--input-size", "0", "--out", "/tmp/never.onnx")]
    [InlineData("architecture", "model", "build", "resnet9000", "--out", "/tmp/never.onnx")]
    [InlineData("--classes", "demo", "--classes", "0", "--out", "/nonexistent/senet-never")]
    [InlineData("--images-per-class", "demo", "--images-per-class", "0", "--out", "/nonexistent/senet-never")]
    [InlineData("--architecture", "demo", "--architecture", "foo", "--out", "/nonexistent/senet-never")]
    [InlineData("--batch-sizes", "bench", "--batch-sizes", "8", "0")]
    [InlineData("--images", "bench", "--images", "0")]
    [InlineData("--seconds", "bench", "--seconds", "0")]
    [InlineData("--device", "evaluate", "--data", "/nonexistent", "--model", "/nonexistent.onnx", "--device", "gpu")]
    [InlineData("--max-failed", "evaluate", "--data", "/nonexistent", "--model", "/nonexistent.onnx", "--max-failed", "lots")]
    [InlineData("--max-file-bytes", "evaluate", "--data", "/nonexistent", "--model", "/nonexistent.onnx", "--max-file-bytes", "0")]
    [InlineData("--max-failed", "submit", "--data", "/d", "--model", "/m.onnx", "--max-failed", "lots", "--gateway", "1")]
    [InlineData("--max-file-bytes", "submit", "--data", "/d", "--model", "/m.onnx", "--max-file-bytes", "-1", "--gateway", "1")]
    [InlineData("--device", "submit", "--data", "/d", "--model", "/m.onnx", "--device", "cuda", "--gateway", "1")]
    public async Task AValueThatCannotWorkIsRefusedNamingTheOptionWithoutDotnetInternals(string option, params string[] args)
    {
        var (exitCode, _, stderr) = await CliRunner.RunAsync(args);

        Assert.Equal(1, exitCode);
        Assert.Contains(option, stderr);
        Assert.DoesNotContain("(Parameter '", stderr);
        Assert.DoesNotContain("Actual value was", stderr);
        Assert.DoesNotContain("unexpected", stderr);
        Assert.DoesNotContain("   at ", stderr);
        // Refused before any work: no cluster was looked for, nothing was generated.
        Assert.DoesNotContain("No SENet cluster answered", stderr);
        Assert.DoesNotContain("demo: writing", stderr);
        Assert.DoesNotContain("bench: writing", stderr);
    }

    [Fact]
    public async Task AJobWhoseDevicesCannotLoadTheModelPrintsWhyAndNoResultsTableOrStackTrace()
    {
        var data = Path.Combine(_folder.FullName, "data");
        await SyntheticImages.WriteImageFolderAsync(data, classes: 2, imagesPerClass: 2);
        var model = Path.Combine(_folder.FullName, "m.onnx");
        await File.WriteAllBytesAsync(model, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 2, InputSize: 64)));

        // No machine that runs these tests has an eighth GPU that loads: an explicit device never falls back, so the job fails before scoring.
        var (exitCode, stdout, stderr) = await CliRunner.RunAsync("evaluate", "--data", data, "--model", model, "--device", "cuda:7", "--out", Path.Combine(_folder.FullName, "out"));

        Assert.Equal(1, exitCode);
        Assert.Contains("failed before any image was evaluated", stderr);
        Assert.Contains("cuda:7", stderr);
        Assert.DoesNotContain("top-1 error", stdout);
        Assert.DoesNotContain("0.000 %", stdout);
        Assert.DoesNotContain("   at ", stderr + stdout);
        Assert.DoesNotContain("--- End of", stderr + stdout);
    }

    [Fact]
    public async Task HelpShowsAnExampleForEveryVerbAndPlainDefaults()
    {
        foreach (var verb in HelpExamples.ByVerb.Keys)
        {
            var (exitCode, stdout, _) = await CliRunner.RunAsync([.. verb.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);

            Assert.Equal(0, exitCode);
            Assert.Contains($"Example:{Environment.NewLine}  {HelpExamples.ByVerb[verb]}", stdout);
        }

        var bench = (await CliRunner.RunAsync("bench", "--help")).Output;
        var submit = (await CliRunner.RunAsync("submit", "--help")).Output;
        Assert.Contains("default: 1 8 32", bench);
        Assert.DoesNotContain("1|8|32", bench);
        Assert.Contains("--device", submit);
        Assert.DoesNotContain("--device-policy", submit);
    }

    [Fact]
    public void EveryVerbHasAnExample()
    {
        var console = new CliConsole(TextWriter.Null, TextWriter.Null);
        var verbs = new List<System.CommandLine.Command> { Commands.EvaluateCommand.Create(console), Commands.DemoCommand.Create(console), Commands.BenchCommand.Create(console) };
        verbs.AddRange(Commands.JobCommands.Create(console));

        Assert.All(verbs, v => Assert.True(HelpExamples.ByVerb.ContainsKey(v.Name), $"'{v.Name}' has no example"));
    }

    [Fact]
    public void TheConsoleHeadlineOfACancelledJobSaysItIsPartial()
    {
        var counts = new TopKCounts(2);
        for (var i = 0; i < 320; i++)
        {
            counts.Add(i % 2, [1, 0]);
        }

        var report = EvaluationReport.Create(counts, "seresnet18", "/data", "cluster: cpu:0") with { State = "cancelled", ImagesTotal = 450 };
        var output = new StringWriter();

        ReportPrinter.Print(new CliConsole(output, TextWriter.Null), report);

        Assert.Contains("cancelled (partial: 320 of 450 images)", output.ToString());
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
