using System.Diagnostics;
using Azure.Storage.Blobs;
using SENet.Client.Cluster;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Storage;
using Spectre.Console;

namespace SENet.Client.Benchmarks;

/// <summary>
/// Blob storage figures against the account in <c>SENet__Storage__ConnectionString</c> (Azurite for development):
/// listing and shard-planning rate and the planner's memory for a large ImageFolder, and images/s read.
/// </summary>
public sealed class BlobBenchmark(CliConsole console, int blobs, int images)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var storage = CliStorage.FromEnvironment();
        if (string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            throw new ArgumentException("senet bench --blob reads SENet__Storage__ConnectionString (e.g. an Azurite started with --skipApiVersionCheck).");
        }

        var service = new BlobServiceClient(storage.ConnectionString);
        var container = service.GetBlobContainerClient($"senet-bench-{Guid.NewGuid():N}"[..40]);
        await container.CreateAsync(cancellationToken: cancellationToken);
        var folder = Directory.CreateTempSubdirectory("senet-bench-blob-").FullName;
        try
        {
            console.Error.WriteLine($"bench: uploading {blobs:N0} blobs in 100 class folders and {images} JPEGs");
            var upload = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, blobs), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (i, ct) =>
                await container.UploadBlobAsync($"listing/class_{i % 100:D3}/img_{i:D7}.jpg", BinaryData.FromBytes([0xFF, 0xD8, 0xFF]), ct));
            var uploadRate = blobs / upload.Elapsed.TotalSeconds;
            var jpeg = SyntheticImages.RenderJpeg(500, 375, 1, 1);
            await Parallel.ForEachAsync(Enumerable.Range(0, images), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, ct) =>
                await container.UploadBlobAsync($"read/img_{i:D5}.jpg", BinaryData.FromBytes(jpeg), ct));

            var location = $"{container.Uri.ToString().TrimEnd('/')}";
            var source = DatasetSources.Open($"{location}/listing", storage);
            var (seconds, peak, shards) = await MeasureAsync(() => ImageFolderSharder.PlanAsync(source, new DatasetSpec(), 100, new LocalOutputStore(Path.Combine(folder, "streamed")), 256, cancellationToken));
            var (inMemorySeconds, inMemoryPeak, _) = await MeasureAsync(async () =>
            {
                var plan = await DatasetPlanner.PlanAsync(source, new DatasetSpec(), 100, cancellationToken);
                // Measured while the plan is alive, as a coordinator holding it would.
                var held = GC.GetTotalMemory(forceFullCollection: true);
                GC.KeepAlive(plan);
                _ = held;
                return new ShardedDataset([plan.Images.Count], plan.ClassNames, plan.IgnoredFiles);
            });

            var reader = DatasetSources.Open($"{location}/read", storage);
            var read = Stopwatch.StartNew();
            long bytes = 0;
            await Parallel.ForEachAsync(Enumerable.Range(0, images), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                using var content = await reader.ReadAsync($"img_{i:D5}.jpg", ct);
                Interlocked.Add(ref bytes, content.Memory.Length);
            });
            var readSeconds = read.Elapsed.TotalSeconds;

            var table = new Table().Border(TableBorder.Rounded).Title("[bold]senet bench --blob[/]").AddColumns("measure", "figure", "detail");
            table.AddRow("upload (setup)", $"{uploadRate:F0} blobs/s", Markup.Escape($"{blobs:N0} blobs, 32 in flight"));
            table.AddRow("list + plan shards (streamed)", $"{blobs / seconds:F0} blobs/s", Markup.Escape($"{shards.ShardSizes.Count} shards of 256 written as they fill; {seconds:F1} s"));
            table.AddRow("planner memory (streamed)", $"{peak / 1e6:F1} MB", "peak live managed heap while planning: one shard and the class list");
            table.AddRow("planner memory (whole listing)", $"{inMemoryPeak / 1e6:F1} MB", Markup.Escape($"the in-memory planner over the same listing, for contrast ({inMemorySeconds:F1} s)"));
            table.AddRow("read images", $"{images / readSeconds:F0} images/s", Markup.Escape($"{images} × {jpeg.Length / 1024} KB JPEGs, 8 in flight, {bytes / readSeconds / 1e6:F1} MB/s"));
            console.Out.Write(table);
        }
        finally
        {
            await container.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> while sampling the live managed heap (a full collection every 100 ms, so garbage
    /// does not count); returns seconds and the peak growth in bytes of what planning holds.
    /// </summary>
    private static async Task<(double Seconds, long PeakBytes, ShardedDataset Result)> MeasureAsync(Func<Task<ShardedDataset>> work)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                await Task.Delay(100);
            }
        });
        var stopwatch = Stopwatch.StartNew();
        var result = await work();
        var seconds = stopwatch.Elapsed.TotalSeconds;
        peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
        await sampling.CancelAsync();
        await sampler;
        return (seconds, peak, result);
    }
}
