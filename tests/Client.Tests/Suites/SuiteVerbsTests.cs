using SENet.Evaluation.Metrics;

namespace SENet.Client.Tests.Suites;

/// <summary>A suite on a running silo: submit prints the suite's id, and status, watch, results and cancel take it.</summary>
public sealed class SuiteVerbsTests(EmbeddedClusterFixture fixture) : IClassFixture<EmbeddedClusterFixture>
{
    [Fact]
    public async Task SubmitWatchStatusAndResultsTakeASuitesId()
    {
        var folder = Path.Combine(fixture.Folder, $"suite-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var suite = Path.Combine(folder, "family.json");
        await File.WriteAllTextAsync(Path.Combine(folder, "real.json"), """{"class_000/img_00000.jpg": [0], "class_001/img_00001.jpg": [1, 2]}""");
        await File.WriteAllTextAsync(suite, $$"""
            {"datasets": [
              {"name": "plain", "data": "{{fixture.Data}}"},
              {"name": "real", "data": "{{fixture.Data}}", "real-labels": "real.json"}
            ]}
            """);
        var output = Path.Combine(folder, "out");

        var submit = await CliRunner.RunAsync(["submit", "--suite", suite, "--model", fixture.Model, "--shard-size", "4", "--device", "cpu", "--out", output, .. fixture.Connection]);
        Assert.True(submit.ExitCode == 0, submit.Error);
        var suiteId = submit.Output.Trim();
        Assert.StartsWith("suite-", suiteId);
        var watch = await CliRunner.RunAsync(["watch", suiteId, .. fixture.Connection]);
        var status = await CliRunner.RunAsync(["status", suiteId, .. fixture.Connection]);
        var results = await CliRunner.RunAsync(["results", suiteId, "--out", Path.Combine(folder, "fetched"), .. fixture.Connection]);
        var jobs = await CliRunner.RunAsync(["jobs", .. fixture.Connection]);

        // Answered at once: the dataset may still be listing (its totals so far), or planned whole.
        Assert.Matches($@"plain: job {suiteId}\.plain, (16 images in 4 shards|planning in the background, \d+ images in \d+ shards listed so far)", submit.Error);
        Assert.True(watch.ExitCode == 0, watch.Error);
        Assert.Contains("progress: plain 16/16 images (1 failed) completed; real 16/16 images (1 failed) completed", watch.Error);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains($"suite {suiteId}: 2/2 datasets ended", status.Output);
        Assert.Contains($"{suiteId}.real", status.Output);
        Assert.True(results.ExitCode == 0, results.Error);
        Assert.Contains($"suite {suiteId}: top-1 / top-5 accuracy (%)", results.Output);
        // The table beside the datasets' folders, and fetched here with each dataset's report.
        var plain = ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(output, "plain", "report.json")));
        var real = ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(folder, "fetched", "real", "report.json")));
        var table = (await File.ReadAllLinesAsync(Path.Combine(output, "suite.csv"))).Select(l => l.Split(',')).ToList();
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(output, "suite.csv")), await File.ReadAllTextAsync(Path.Combine(folder, "fetched", "suite.csv")));
        Assert.Equal(["model", "plain_top1", "plain_top5", "plain_state", "real_top1", "real_top5", "real_real_top1", "real_real_top5", "real_state"], table[0]);
        Assert.Equal(Math.Round(plain.Top1, 4).ToString(System.Globalization.CultureInfo.InvariantCulture), table[1][1]);
        Assert.Equal(Math.Round(real.Labels!.Real!.Top1, 4).ToString(System.Globalization.CultureInfo.InvariantCulture), table[1][6]);
        Assert.Equal((plain.Top1Correct, plain.Top5Correct), (real.Top1Correct, real.Top5Correct));
        Assert.Contains($"{suiteId}.plain", jobs.Output);
    }

    [Fact]
    public async Task ASubmittedSuiteOfSeveralModelsHasARowPerModelAndFetchesEachModelsReport()
    {
        var folder = Path.Combine(fixture.Folder, $"suite-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var other = Path.Combine(folder, "other.onnx");
        await File.WriteAllBytesAsync(other, Evaluation.Models.SeResNetBuilder.BuildBytes(new Evaluation.Models.SeResNetSpec(Evaluation.Models.SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 64, Seed: 41)));
        var suite = Path.Combine(folder, "zoo.json");
        await File.WriteAllTextAsync(suite, $$"""{"datasets": [{"name": "plain", "data": "{{fixture.Data}}"}, {"name": "ten", "data": "{{fixture.Data}}", "view": "tencrop"}]}""");
        var output = Path.Combine(folder, "out");

        var submit = await CliRunner.RunAsync(["submit", "--suite", suite, "--model", fixture.Model, "--model", other, "--shard-size", "8", "--device", "cpu", "--out", output, .. fixture.Connection]);
        Assert.True(submit.ExitCode == 0, submit.Error);
        var suiteId = submit.Output.Trim();
        var watch = await CliRunner.RunAsync(["watch", suiteId, .. fixture.Connection]);
        var results = await CliRunner.RunAsync(["results", suiteId, "--out", Path.Combine(folder, "fetched"), .. fixture.Connection]);

        Assert.True(watch.ExitCode == 0, watch.Error);
        Assert.True(results.ExitCode == 0, results.Error);
        var table = (await File.ReadAllLinesAsync(Path.Combine(folder, "fetched", "suite.csv"))).Select(l => l.Split(',')).ToList();
        Assert.Equal(["model", "plain_top1", "plain_top5", "plain_state", "ten_top1", "ten_top5", "ten_state"], table[0]);
        Assert.Equal(["m", "other"], table.Skip(1).Select(r => r[0]));
        foreach (var (model, row) in new[] { ("m", table[1]), ("other", table[2]) })
        {
            foreach (var (dataset, column) in new[] { ("plain", 1), ("ten", 4) })
            {
                // Each model's cell is its own report's, fetched under DATASET/<model>/ as the job wrote it.
                var fetched = await File.ReadAllTextAsync(Path.Combine(folder, "fetched", dataset, model, "report.json"));
                Assert.Equal(await File.ReadAllTextAsync(Path.Combine(output, dataset, model, "report.json")), fetched);
                Assert.Equal(Math.Round(ReportWriter.FromJson(fetched).Top1, 4).ToString(System.Globalization.CultureInfo.InvariantCulture), row[column]);
            }
        }

        Assert.Equal("tencrop", ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(output, "ten", "other", "report.json"))).View);
        Assert.Matches("  ten: .*view tencrop", results.Output);
    }

    [Fact]
    public async Task CancelStopsEveryJobOfASuiteAndAnUnknownIdIsStillNoJob()
    {
        var folder = Path.Combine(fixture.Folder, $"suite-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var suite = Path.Combine(folder, "s.json");
        await File.WriteAllTextAsync(suite, $$"""{"datasets": [{"name": "a", "data": "{{fixture.Data}}"}, {"name": "b", "data": "{{fixture.Data}}"}]}""");
        var submit = await CliRunner.RunAsync(["submit", "--suite", suite, "--job-id", "suite-to-cancel", "--model", fixture.Model, "--shard-size", "1", "--device", "cpu", "--out", Path.Combine(folder, "out"), .. fixture.Connection]);
        Assert.True(submit.ExitCode == 0, submit.Error);

        var again = await CliRunner.RunAsync(["submit", "--suite", suite, "--job-id", "suite-to-cancel", "--model", fixture.Model, "--shard-size", "1", "--device", "cpu", "--out", Path.Combine(folder, "out"), .. fixture.Connection]);
        var cancel = await CliRunner.RunAsync(["cancel", "suite-to-cancel", .. fixture.Connection]);
        var watch = await CliRunner.RunAsync(["watch", "suite-to-cancel", .. fixture.Connection]);
        var unknown = await CliRunner.RunAsync(["status", "suite-to", .. fixture.Connection]);

        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Matches("a: job suite-to-cancel.a already exists: (planning|running|completed|cancelled), .*nothing new was submitted", again.Error);
        Assert.Equal(0, cancel.ExitCode);
        Assert.Matches("suite-to-cancel.a: (cancelled|completed)", cancel.Output);
        Assert.Matches("suite-to-cancel.b: (cancelled|completed)", cancel.Output);
        Assert.Contains("2/2 datasets ended", watch.Output);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("No job 'suite-to'", unknown.Error);
    }
}
