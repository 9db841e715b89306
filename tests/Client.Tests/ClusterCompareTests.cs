using SENet.Evaluation.Comparison;

namespace SENet.Client.Tests;

/// <summary>compare and results --table with job ids of a running cluster, and with a folder that results --out fetched.</summary>
public sealed class ClusterCompareTests(EmbeddedClusterFixture fixture) : IClassFixture<EmbeddedClusterFixture>
{
    private async Task<string> SubmitAndWaitAsync(params string[] options)
    {
        var submit = await CliRunner.RunAsync(["submit", "--data", fixture.Data, "--model", fixture.Model, "--device-policy", "cpu", .. options, .. fixture.Connection]);
        Assert.True(submit.ExitCode == 0, submit.Error);
        var jobId = submit.Output.Trim();
        var watch = await CliRunner.RunAsync(["watch", jobId, .. fixture.Connection]);
        Assert.True(watch.ExitCode == 0, watch.Error);
        return jobId;
    }

    [Fact]
    public async Task JobIdsAndFetchedFoldersCompareAndTabulate()
    {
        // The same model on the same images, sharded and batched differently: the same predictions, so no difference.
        var first = await SubmitAndWaitAsync("--shard-size", "4", "--batch-size", "2");
        var second = await SubmitAndWaitAsync("--shard-size", "5", "--batch-size", "3");
        var fetched = Path.Combine(fixture.Folder, "fetched-compare");
        Assert.Equal(0, (await CliRunner.RunAsync(["results", first, "--out", fetched, .. fixture.Connection])).ExitCode);

        var byIds = await CliRunner.RunAsync(["compare", first, second, "--json", Path.Combine(fixture.Folder, "ids.json"), .. fixture.Connection]);
        var byFolder = await CliRunner.RunAsync(["compare", fetched, second, .. fixture.Connection]);
        var table = await CliRunner.RunAsync(["results", "--table", "--all", "--csv", Path.Combine(fixture.Folder, "all.csv"), .. fixture.Connection]);

        Assert.True(byIds.ExitCode == 0, byIds.Error);
        var comparison = ComparisonWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(fixture.Folder, "ids.json")));
        Assert.Equal((15L, 0L, 0L, 1.0), (comparison.Images, comparison.Top1.OnlyARight, comparison.Top1.OnlyBRight, comparison.Top1.McNemarP));
        Assert.Contains("top-1: no difference shown, 0.000 points [0.000, 0.000]", byIds.Output);
        Assert.True(byFolder.ExitCode == 0, byFolder.Error);
        Assert.Contains("15, the same image set", byFolder.Output);
        Assert.True(table.ExitCode == 0, table.Error);
        var rows = await File.ReadAllLinesAsync(Path.Combine(fixture.Folder, "all.csv"));
        Assert.Contains(rows, r => r.Contains($",{first},", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains($",{second},", StringComparison.Ordinal));
    }
}
