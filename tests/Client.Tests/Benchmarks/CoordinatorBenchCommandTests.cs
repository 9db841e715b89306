using System.Text.Json;
using SENet.Client.Benchmarks.Coordinator;
using SENet.Evaluation.Storage;

namespace SENet.Client.Tests.Benchmarks;

/// <summary><c>senet bench --coordinator</c> end to end, small: the real coordinator grain in an in-process silo, simulated devices.</summary>
public sealed class CoordinatorBenchCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("senet-bench-coordinator-test-");

    [Fact]
    public async Task EveryShardIsMergedOnceAndEveryFigureIsPrinted()
    {
        var path = Path.Combine(_folder.FullName, "coordinator.json");

        var (exitCode, output, error) = await CliRunner.RunAsync("bench", "--coordinator", "--shards", "100", "--shard-size", "16", "--devices", "4",
            "--device-images-per-second", "800", "--json", path);

        Assert.True(exitCode == 0, error);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var figures = document.RootElement.GetProperty("figures");
        Assert.Equal("completed", figures.GetProperty("state").GetString());
        Assert.Equal(100, figures.GetProperty("merged").GetInt32());
        Assert.Equal(100 * 16, figures.GetProperty("images_counted").GetInt64());
        Assert.Equal("memory", figures.GetProperty("storage").GetString());
        foreach (var positive in new[] { "completions_per_second", "lease_p50_ms", "complete_p99_ms", "status_running_p99_ms", "bytes_per_completion", "busy_share", "capacity_images_per_second", "shard_table_mb" })
        {
            Assert.True(figures.GetProperty(positive).GetDouble() > 0, positive);
        }

        Assert.InRange(figures.GetProperty("busy_share").GetDouble(), 0, 1);
        // Group commit: one write may carry many completions, but a run that merged shards wrote.
        Assert.True(figures.GetProperty("writes_per_completion").GetDouble() > 0);
        var rows = document.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("measure").GetString()!).ToList();
        Assert.All(rows, measure => Assert.Contains(measure, output));
        Assert.Contains("largest cluster fed", rows);
    }

    [Fact]
    public async Task ARunWithMoreLanesThanShardsStillMeasuresTheCoordinatorsPaceButNotTheBusyShare()
    {
        var figures = await RunAsync("few-shards.json", shards: 12);

        Assert.Equal(12, figures.GetProperty("merged").GetInt32());
        Assert.True(figures.GetProperty("completions_per_second").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, figures.GetProperty("busy_share").ValueKind);
    }

    [Fact]
    public async Task HungDevicesLoseNoShardAndNoneCountsTwice()
    {
        var figures = await RunAsync("hung.json", "--hung-devices", "2", "--lease-timeout", "2");

        Assert.Equal("completed", figures.GetProperty("state").GetString());
        Assert.Equal(60, figures.GetProperty("merged").GetInt32());
        Assert.Equal(60 * 16, figures.GetProperty("images_counted").GetInt64());
    }

    [Fact]
    public async Task ASiloDeclaredDeadMidRunLosesNoShardAndNoneCountsTwice()
    {
        await using var azurite = await SENet.Tests.Storage.Azurite.StartAsync();
        var options = new CoordinatorBenchmarkOptions(Shards: 60, ShardSize: 16, Devices: 12, ImagesPerSecond: 400, Storage: "blob", KillSiloAt: 0.3,
            LeaseTimeout: TimeSpan.FromSeconds(2));
        var progress = new StringWriter();

        var run = await new CoordinatorBenchmark(options, progress, new StorageOptions { ConnectionString = azurite.ConnectionString }).RunAsync(CancellationToken.None);

        Assert.Contains("bench: stopping silo", progress.ToString());
        Assert.Equal("completed", run.FinalState);
        Assert.Equal(60, run.Merged);
        Assert.Equal(60 * 16, run.ImagesCounted);
        Assert.True(run.BytesWhileRunning > 0);
    }

    [Fact]
    public async Task ARealBlobListingIsUploadedOncePlannedIntoItsShardsAndEveryBlobCounted()
    {
        await using var azurite = await SENet.Tests.Storage.Azurite.StartAsync();
        var storage = new StorageOptions { ConnectionString = azurite.ConnectionString };
        var options = new CoordinatorBenchmarkOptions(Shards: 23, ShardSize: 16, Devices: 4, ImagesPerSecond: 800, Classes: 10, Listing: "blob");
        var progress = new StringWriter();

        var first = await new CoordinatorBenchmark(options, progress, storage).RunAsync(CancellationToken.None);

        // What the account holds, counted apart from the bench: the blobs it uploaded, in one folder a class.
        var container = new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(BlobListing.ContainerName(options.Images, options.Classes));
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "images/" }))
        {
            names.Add(blob.Name);
        }

        Assert.Equal(23 * 16, names.Count);
        Assert.Equal(10, names.Select(n => n.Split('/')[1]).Distinct().Count());
        Assert.Equal(names.Count, first.Listing!.Uploaded);
        Assert.Equal("completed", first.FinalState);
        Assert.Equal(23, first.Merged);
        Assert.Equal(names.Count, first.ImagesCounted);

        // A second run plans the same container without uploading, and from what it holds now: one shard's worth more
        // (whole shards: a simulated device completes every shard with counts of the shard size).
        for (var i = 0; i < 16; i++)
        {
            await container.UploadBlobAsync($"images/c00009/extra-{i:D2}.jpg", BinaryData.FromBytes([0xFF, 0xD8, 0xFF]));
        }

        var second = await new CoordinatorBenchmark(options, progress, storage).RunAsync(CancellationToken.None);

        Assert.Contains("already in container", progress.ToString());
        Assert.Equal(0, second.Listing!.Uploaded);
        Assert.Equal("completed", second.FinalState);
        Assert.Equal(24, second.Merged);
        Assert.Equal(names.Count + 16, second.ImagesCounted);
    }

    [Fact]
    public async Task ABlobListingWithoutAnAccountIsRefusedSayingWhichVariableToSet()
    {
        var run = new CoordinatorBenchmark(new CoordinatorBenchmarkOptions(Listing: "blob"), TextWriter.Null, new StorageOptions());

        var error = await Assert.ThrowsAsync<ArgumentException>(() => run.RunAsync(CancellationToken.None));
        Assert.Contains("--listing blob", error.Message);
        Assert.Contains("SENet__Storage__ConnectionString", error.Message);
    }

    /// <summary>Shards of 16 on 12 devices; the JSON figures.</summary>
    private Task<JsonElement> RunAsync(string name, params string[] options) => RunAsync(name, 60, options);

    private async Task<JsonElement> RunAsync(string name, int shards, params string[] options)
    {
        var path = Path.Combine(_folder.FullName, name);
        var (exitCode, _, error) = await CliRunner.RunAsync(["bench", "--coordinator", "--shards", $"{shards}", "--shard-size", "16", "--devices", "12",
            "--device-images-per-second", "400", .. options, "--json", path]);
        Assert.True(exitCode == 0, error);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        return document.RootElement.GetProperty("figures").Clone();
    }

    [Theory]
    [InlineData("--storage", "tape", "--storage 'tape' is unknown")]
    [InlineData("--hung-devices", "4", "--hung-devices 4 cannot work")]
    [InlineData("--kill-silo-at", "1.5", "--kill-silo-at 1.5 cannot work")]
    [InlineData("--compression", "0", "--compression 0 cannot work")]
    [InlineData("--kill-silo-at", "0.5", "--kill-silo-at needs --storage blob")]
    [InlineData("--commit-interval", "-5", "--commit-interval -5 cannot work")]
    [InlineData("--listing", "tape", "--listing 'tape' is unknown")]
    public async Task OptionsThatCannotWorkAreRefusedNamingTheOption(string option, string value, string expected)
    {
        var (exitCode, _, error) = await CliRunner.RunAsync("bench", "--coordinator", "--devices", "4", option, value);

        Assert.Equal(1, exitCode);
        Assert.Contains(expected, error);
    }

    [Fact]
    public async Task BlobStorageWithoutAnAccountIsRefusedSayingWhichVariableToSet()
    {
        var run = new CoordinatorBenchmark(new CoordinatorBenchmarkOptions(Storage: "blob"), TextWriter.Null, new StorageOptions());

        var error = await Assert.ThrowsAsync<ArgumentException>(() => run.RunAsync(CancellationToken.None));
        Assert.Contains("SENet__Storage__ConnectionString", error.Message);
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
