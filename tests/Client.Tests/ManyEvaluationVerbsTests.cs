using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;

namespace SENet.Client.Tests;

/// <summary>
/// <c>senet submit</c> of several models and views on a running silo: one job, followed by <c>watch</c> and
/// <c>status</c> as any, whose <c>results</c> print and fetch every model × view, each equal to its single-model job.
/// </summary>
public sealed class ManyEvaluationVerbsTests(EmbeddedClusterFixture fixture) : IClassFixture<EmbeddedClusterFixture>
{
    [Fact]
    public async Task ASubmittedJobOfTwoModelsAndTwoViewsIsOneJobWhoseEveryEvaluationEqualsItsSingleJob()
    {
        var folder = Path.Combine(fixture.Folder, $"many-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(folder, "zoo"));
        await File.WriteAllBytesAsync(Path.Combine(folder, "zoo", "other.onnx"), SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 64, Seed: 29)));
        var list = Path.Combine(folder, "zoo.txt");
        await File.WriteAllLinesAsync(list, ["beta = zoo/other.onnx"]);
        var output = Path.Combine(folder, "out");
        var fetched = Path.Combine(folder, "fetched");
        var jobId = $"many-{Guid.NewGuid():N}";
        string[] submitArgs = ["submit", "--job-id", jobId, "--data", fixture.Data, "--model", fixture.Model, "--models", list, "--view", "center", "--view", "64@1",
            "--shard-size", "4", "--device", "cpu", "--out", output, .. fixture.Connection];

        var submit = await CliRunner.RunAsync(submitArgs);
        Assert.True(submit.ExitCode == 0, submit.Error);
        var watch = await CliRunner.RunAsync(["watch", jobId, .. fixture.Connection]);
        var status = await CliRunner.RunAsync(["status", jobId, .. fixture.Connection]);
        var results = await CliRunner.RunAsync(["results", jobId, "--out", fetched, .. fixture.Connection]);
        var html = await CliRunner.RunAsync(["results", jobId, "--html", Path.Combine(folder, "one.html"), .. fixture.Connection]);
        var table = await CliRunner.RunAsync(["results", "--table", jobId, "--csv", Path.Combine(folder, "table.csv"), .. fixture.Connection]);

        Assert.Equal(jobId, submit.Output.Trim());
        Assert.Contains("for 4 evaluations in one pass (m/center, m/64@1, beta/center, beta/64@1)", submit.Error);
        Assert.True(watch.ExitCode == 0, watch.Error + watch.Output);
        Assert.Contains($"{jobId} completed", watch.Output);
        Assert.Contains("4 evaluations, one pass", watch.Output);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("queue: 0 shards waiting", status.Output);
        Assert.True(results.ExitCode == 0, results.Error);
        Assert.Contains("4 evaluations, one pass", results.Output);
        Assert.Equal(1, html.ExitCode);
        Assert.Contains("--html writes one report, but job", html.Error);

        // A row per model × view in a table of jobs.
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Equal([$"{jobId} beta/64@1", $"{jobId} beta/center", $"{jobId} m/64@1", $"{jobId} m/center"],
            (await File.ReadAllLinesAsync(Path.Combine(folder, "table.csv"))).Skip(1).Select(l => l.Split(',')[1]).Order(StringComparer.Ordinal));

        var combined = await File.ReadAllLinesAsync(Path.Combine(fetched, "results.csv"));
        Assert.Equal(await File.ReadAllLinesAsync(Path.Combine(output, "results.csv")), combined);
        Assert.Equal(ReportWriter.ResultsCsvHeader + ",view", combined[0]);
        Assert.Equal(["m,center", "m,64@1", "beta,center", "beta,64@1"], combined.Skip(1).Select(l => $"{l.Split(',')[0]},{l.Split(',')[^1]}"));
        foreach (var (name, model) in new[] { ("m", fixture.Model), ("beta", Path.Combine(folder, "zoo", "other.onnx")) })
        {
            foreach (var view in new[] { "center", "64@1" })
            {
                var single = await SingleAsync(model, view, Path.Combine(folder, $"single-{name}-{view}"));
                var inJob = ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(fetched, name, view, "report.json")));
                Assert.Equal(await File.ReadAllTextAsync(Path.Combine(output, name, view, "report.json")), await File.ReadAllTextAsync(Path.Combine(fetched, name, view, "report.json")));
                Assert.Equal((single.Report.Images, single.Report.Failed, single.Report.Top1Correct, single.Report.Top5Correct, single.Report.View),
                    (inJob.Images, inJob.Failed, inJob.Top1Correct, inJob.Top5Correct, inJob.View));
                Assert.Equal(single.Report.PerClass.Select(c => (c.Images, c.Top1Correct, c.Top5Correct)), inJob.PerClass.Select(c => (c.Images, c.Top1Correct, c.Top5Correct)));
                Assert.Equal(single.Predictions, await File.ReadAllLinesAsync(Path.Combine(fetched, name, view, "predictions.csv")));
                Assert.True(File.Exists(Path.Combine(fetched, name, view, "report.html")));
                Assert.Equal(single.Row[1..], (await File.ReadAllLinesAsync(Path.Combine(fetched, name, view, "results.csv")))[1].Split(',')[1..]);
            }
        }
    }

    // Record equality compares lists by reference: the coordinator must compare the models and views item by item.
    [Fact]
    public async Task TheSameSubmissionOfSeveralModelsAgainIsTheSameJob()
    {
        var folder = Path.Combine(fixture.Folder, $"again-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var other = Path.Combine(folder, "other.onnx");
        File.Copy(fixture.Model, other);
        var jobId = $"again-{Guid.NewGuid():N}";
        string[] submitArgs = ["submit", "--job-id", jobId, "--data", fixture.Data, "--model", fixture.Model, "--model", other, "--view", "center", "--view", "64@1",
            "--device", "cpu", "--out", Path.Combine(folder, "out"), .. fixture.Connection];

        var first = await CliRunner.RunAsync(submitArgs);
        var again = await CliRunner.RunAsync(submitArgs);
        await CliRunner.RunAsync(["watch", jobId, .. fixture.Connection]);

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Matches($"job {jobId} already exists: (planning|running|completed), ", again.Error);
    }

    /// <summary>The single-model job of one model and view on the same silo, fetched: its report, predictions and results row.</summary>
    private async Task<(EvaluationReport Report, string[] Predictions, string[] Row)> SingleAsync(string model, string view, string fetched)
    {
        var submit = await CliRunner.RunAsync(["submit", "--data", fixture.Data, "--model", model, "--view", view, "--shard-size", "3", "--device", "cpu", .. fixture.Connection]);
        Assert.True(submit.ExitCode == 0, submit.Error);
        var jobId = submit.Output.Trim();
        Assert.Equal(0, (await CliRunner.RunAsync(["watch", jobId, .. fixture.Connection])).ExitCode);
        var results = await CliRunner.RunAsync(["results", jobId, "--out", fetched, .. fixture.Connection]);
        Assert.True(results.ExitCode == 0, results.Error);
        return (ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(fetched, "report.json"))),
            await File.ReadAllLinesAsync(Path.Combine(fetched, "predictions.csv")),
            (await File.ReadAllLinesAsync(Path.Combine(fetched, "results.csv")))[1].Split(','));
    }
}
