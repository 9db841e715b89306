using System.Text.Json;

namespace SENet.Client.Tests.Benchmarks;

/// <summary>The figures behind --shard-size auto: the CLI's shard-size comparison and the simulator's auto option.</summary>
public sealed class AutoShardSizeBenchTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("senet-bench-auto-test-");

    [Fact]
    public async Task TheShardSizeComparisonRunsTheCliPerSizeAndFindsIdenticalCounts()
    {
        // A size given twice runs twice (each run writes to its own folder), to show the noise of the timings.
        var (exitCode, output, error) = await CliRunner.RunAsync("bench", "--shard-sizes", "40,auto,40", "--shard-images", "200", "--threads", "1");

        Assert.True(exitCode == 0, error);
        Assert.Contains("counts identical across 3 runs", output);
        // 200 images: 5 shards of 40; auto plans shards of 64, so 4.
        Assert.Matches(@"│ 40 +│ 5 +│", output);
        Assert.Matches(@"│ auto +│ 4 +│", output);
    }

    [Fact]
    public async Task TheShardSizeComparisonRefusesASizeThatCannotWork()
    {
        var (exitCode, _, error) = await CliRunner.RunAsync("bench", "--shard-sizes", "10,0");

        Assert.Equal(1, exitCode);
        Assert.Contains("--shard-sizes: '0' is not a shard size", error);
    }

    [Fact]
    public async Task TheSimulatorLeasesRunsUnderAutoAndCountsEveryShardOnce()
    {
        var path = Path.Combine(_folder.FullName, "auto.json");

        var (exitCode, output, error) = await CliRunner.RunAsync("bench", "--coordinator", "--shards", "300", "--shard-size", "16", "--devices", "4",
            "--device-images-per-second", "2000", "--auto-shard-size", "--json", path);

        Assert.True(exitCode == 0, error);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var figures = document.RootElement.GetProperty("figures");
        Assert.Equal("completed", figures.GetProperty("state").GetString());
        Assert.Equal(300 * 16, figures.GetProperty("images_counted").GetInt64());
        // Runs: fewer completion calls than shard results they carried (merged, or ignored as a duplicate's). A loaded
        // machine brings more duplicates at the tail, so the calls are not compared with the shards alone.
        var (calls, carried) = (figures.GetProperty("leases_completed").GetDouble(), figures.GetProperty("merged").GetDouble() + figures.GetProperty("ignored").GetDouble());
        Assert.True(calls >= 1 && calls < carried, $"{calls} completion calls carried {carried} shard results");
        Assert.Contains("leases (auto)", output);
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
