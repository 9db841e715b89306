using System.Text.Json;
using SENet.Evaluation.Comparison;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;

namespace SENet.Client.Tests;

/// <summary>
/// Two real evaluations of two models (embedded silo), then the verbs that read them: compare (the same image set, then a
/// dataset with one image fewer), results --table over output folders, and rerun from a report's record.
/// </summary>
public sealed class CompareAndRerunTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("senet-compare-");

    private string At(string name) => Path.Combine(_folder.FullName, name);

    private async Task<string> EvaluateAsync(string data, string model, string output)
    {
        var (exitCode, _, stderr) = await CliRunner.RunAsync("evaluate", "--data", data, "--model", model, "--device", "cpu", "--threads", "1", "--batch-size", "4", "--shard-size", "5", "--out", output);
        Assert.True(exitCode == 0, stderr);
        return output;
    }

    [Fact]
    public async Task CompareRefusesADifferentImageSetComparesTheSharedOnesWhenToldAndRerunReproducesTheCounts()
    {
        await SyntheticImages.WriteImageFolderAsync(At("data"), classes: 3, imagesPerClass: 4, truncatedImages: 0);
        await File.WriteAllBytesAsync(At("a.onnx"), SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 32, Seed: 1)));
        await File.WriteAllBytesAsync(At("b.onnx"), SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 32, Seed: 2)));
        // The same dataset less one image.
        CopyFolder(At("data"), At("data-less-one"));
        var dropped = Directory.GetFiles(Path.Combine(At("data-less-one"), "class_001")).Order(StringComparer.Ordinal).First();
        File.Delete(dropped);

        var a = await EvaluateAsync(At("data"), At("a.onnx"), At("out-a"));
        var b = await EvaluateAsync(At("data"), At("b.onnx"), At("out-b"));
        var fewer = await EvaluateAsync(At("data-less-one"), At("b.onnx"), At("out-fewer"));

        var same = await CliRunner.RunAsync("compare", a, b, "--json", At("cmp.json"), "--html", At("cmp.html"));
        Assert.True(same.ExitCode == 0, same.Error);
        Assert.Contains("12, the same image set", same.Output);
        Assert.Contains("McNemar", same.Output);
        var written = ComparisonWriter.FromJson(await File.ReadAllTextAsync(At("cmp.json")));
        Assert.Equal(12, written.Images);
        // The discordant counts the verb reports are the ones the two jobs' predictions give, counted here.
        var right = new Dictionary<string, (bool A, bool B)>();
        foreach (var (folder, isA) in new[] { (a, true), (b, false) })
        {
            foreach (var row in Directory.GetFiles(Path.Combine(folder, "predictions"), "shard-*.csv").SelectMany(p => File.ReadAllLines(p).Skip(1)).Select(l => l.Split(',')))
            {
                var was = right.GetValueOrDefault(row[0]);
                right[row[0]] = isA ? (row[1] == row[2], was.B) : (was.A, row[1] == row[2]);
            }
        }

        Assert.Equal(right.Count(r => r.Value is { A: true, B: false }), written.Top1.OnlyARight);
        Assert.Equal(right.Count(r => r.Value is { A: false, B: true }), written.Top1.OnlyBRight);
        Assert.Contains("<h1>", await File.ReadAllTextAsync(At("cmp.html")));

        var refused = await CliRunner.RunAsync("compare", a, fewer);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("not scored on the same images: 1 only in A", refused.Error);
        Assert.Contains(Path.GetRelativePath(At("data-less-one"), dropped).Replace('\\', '/'), refused.Error);
        Assert.Contains("--intersect", refused.Error);

        var intersected = await CliRunner.RunAsync("compare", a, fewer, "--intersect");
        Assert.True(intersected.ExitCode == 0, intersected.Error);
        Assert.Contains("11 shared images (--intersect; 1 only in A and 0 only in B left out)", intersected.Output);

        var table = await CliRunner.RunAsync("results", "--table", a, b, "--csv", At("table.csv"), "--markdown", At("table.md"));
        Assert.True(table.ExitCode == 0, table.Error);
        var csv = await File.ReadAllLinesAsync(At("table.csv"));
        Assert.Equal(string.Join(',', ResultsTable.Columns), csv[0]);
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("| rank | job | model |", (await File.ReadAllLinesAsync(At("table.md")))[0]);

        var report = ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(a, "report.json")));
        Assert.NotNull(report.Reproducibility);
        var rerun = await CliRunner.RunAsync("rerun", Path.Combine(a, "report.json"), "--device", "cpu", "--threads", "1", "--out", At("out-rerun"));
        Assert.True(rerun.ExitCode == 0, rerun.Error + rerun.Output);
        Assert.Contains("identical: every count matches the report", rerun.Output);
        Assert.DoesNotContain("changed: model sha256", rerun.Output);

        // The model's bytes changed since: the counts may or may not move, but the rerun says the model is another.
        File.Copy(At("b.onnx"), At("a.onnx"), overwrite: true);
        var changed = await CliRunner.RunAsync("rerun", Path.Combine(a, "report.json"), "--device", "cpu", "--threads", "1", "--out", At("out-rerun-2"));
        Assert.Contains("changed: model sha256", changed.Output);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
