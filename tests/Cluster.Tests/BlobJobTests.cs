using System.Diagnostics;
using System.Text;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;

namespace SENet.Cluster.Tests;

public sealed class BlobJobTests(BlobClusterFixture fixture) : IClassFixture<BlobClusterFixture>
{
    private static readonly byte[] SyntheticImagesJpeg = SyntheticImages.RenderJpeg(32, 32, 0, 0);

    [Fact]
    public async Task AJobOverBlobsReportsTheCountsOfTheSameFilesOnDiskAndWritesItsOutputsAsBlobs()
    {
        var local = await JobDriver.RunAsync(fixture.Grains, "blob-local", fixture.Data.Spec("blob-local", shardSize: 16));
        var spec = fixture.Data.Spec("blob", shardSize: 16) with
        {
            DataPath = fixture.DataUrl,
            ModelPath = fixture.Azurite.BlobUrl("datasets", "models/model.onnx"),
            OutputFolder = fixture.OutputUrl("blob"),
        };

        var fromBlobs = await JobDriver.RunAsync(fixture.Grains, "blob", spec);

        JobDriver.AssertSameCounts(local, fromBlobs);
        var results = fixture.Container("results");
        var names = new List<string>();
        await foreach (var blob in results.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "blob/" }))
        {
            names.Add(blob.Name);
        }

        var status = await fixture.Grains.GetGrain<IEvaluationJobGrain>("blob").GetStatusAsync();
        Assert.Contains("blob/report.json", names);
        Assert.Contains("blob/results.csv", names);
        Assert.Contains("blob/report.html", names);
        Assert.Equal(status.ShardsTotal, names.Count(n => n.StartsWith("blob/predictions/shard-", StringComparison.Ordinal)));
        Assert.Equal(status.ShardsTotal, names.Count(n => n.StartsWith("blob/logs/shard-", StringComparison.Ordinal)));
        var rows = await PredictionRowsAsync("blob/predictions/");
        Assert.Equal(fromBlobs.Images, rows.Count);
        // The class folders were labelled as the listing streamed: every part still names each image's class, the
        // workers having waited for the names that the folder listing confirmed.
        Assert.All(rows, AssertNamesTheImagesFolder);
        var stored = ReportWriter.FromJson((await results.GetBlobClient("blob/report.json").DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal(fromBlobs.Top1Correct, stored.Top1Correct);
    }

    [Fact]
    public async Task ABlobDatasetWhoseClassFoldersDoNotMatchTheModelFailsInPlanningWithTheReason()
    {
        // Labelled as the listing streams, its class count is known only once the folders are listed: after submit.
        var datasets = fixture.Container("datasets");
        foreach (var name in new[] { "extra-class/class_00/a.jpg", "extra-class/class_01/a.jpg", "extra-class/class_99/a.jpg" })
        {
            await datasets.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(SyntheticImagesJpeg), overwrite: true);
        }

        var spec = fixture.Data.Spec("blob-extra-class", shardSize: 1) with
        {
            DataPath = fixture.Azurite.BlobUrl("datasets", "extra-class"),
            OutputFolder = fixture.OutputUrl("blob-extra-class"),
        };
        var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("blob-extra-class");

        Assert.Equal(JobState.Planning, (await job.StartAsync(spec)).State);
        var failed = await JobDriver.WaitAsync(fixture.Grains, "blob-extra-class", TimeSpan.FromSeconds(60));

        Assert.Equal(JobState.Failed, failed.State);
        Assert.Contains("Planning the dataset failed", failed.Error);
        Assert.Contains("model outputs 5 classes but the dataset has 3", failed.Error);
    }

    [Fact]
    public async Task ShardsScoredBeforeTheClassFoldersAreListedWaitForTheirNames()
    {
        var spec = fixture.Data.Spec("blob-names-later", shardSize: 16) with
        {
            DataPath = fixture.DataUrl,
            OutputFolder = fixture.OutputUrl("blob-names-later"),
        };
        var fault = ListingFaults.Set(spec.DataPath, new ListingFault(HoldFolders: true));
        try
        {
            var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("blob-names-later");
            Assert.Equal(JobState.Planning, (await job.StartAsync(spec)).State);
            await JobDriver.WaitAsync(fixture.Grains, "blob-names-later", TimeSpan.FromSeconds(60), until: s => s.ShardsLeased > 0 || s.ShardsDone > 0);
            // Shards are leased and scored while the folder listing is held; none completes without the class names.
            var held = await job.GetStatusAsync();
            for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(5) && held.ShardsDone == 0; held = await job.GetStatusAsync())
            {
                await Task.Delay(50);
            }

            Assert.Equal(1, fault.Holding);
            Assert.Equal(0, held.ShardsDone);

            fault.Release();
            var done = await JobDriver.WaitAsync(fixture.Grains, "blob-names-later", TimeSpan.FromSeconds(120));

            Assert.Equal(JobState.Completed, done.State);
            var rows = await PredictionRowsAsync("blob-names-later/predictions/");
            Assert.Equal(done.ImagesScored, rows.Count);
            Assert.All(rows, AssertNamesTheImagesFolder);
        }
        finally
        {
            fault.Release();
            ListingFaults.Clear(spec.DataPath);
        }
    }

    /// <summary>Every prediction row under <paramref name="prefix"/> of the results container, split into columns (no image name here holds a comma).</summary>
    private async Task<List<string[]>> PredictionRowsAsync(string prefix)
    {
        var results = fixture.Container("results");
        var rows = new List<string[]>();
        await foreach (var blob in results.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = prefix }))
        {
            rows.AddRange(Encoding.UTF8.GetString((await results.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray())
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(row => row.Split(',')));
        }

        return rows;
    }

    private static void AssertNamesTheImagesFolder(string[] row) =>
        Assert.Equal(row[0][..row[0].IndexOf('/')], row[PredictionsCsvWriter.Header.Split(',').ToList().IndexOf("label_name")]);

    [Theory]
    [InlineData("model")]
    [InlineData("listing")]
    public async Task CancelWhileTheModelLoadsOrTheDatasetIsListedStopsTheStart(string stage)
    {
        // With storage down the model download (or, with a local model, the listing) waits on retries: a cancel must not.
        var spec = fixture.Data.Spec($"cancel-{stage}") with
        {
            DataPath = fixture.DataUrl,
            ModelPath = stage == "model" ? fixture.Azurite.BlobUrl("datasets", "models/model.onnx") : fixture.Data.ModelPath,
            OutputFolder = fixture.OutputUrl($"cancel-{stage}"),
        };
        var job = fixture.Grains.GetGrain<IEvaluationJobGrain>($"cancel-{stage}");
        await fixture.Azurite.StopAsync();
        try
        {
            var start = job.StartAsync(spec);
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(start.IsCompleted, "the start should still be waiting on storage");

            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            var cancelled = await job.CancelAsync();
            var started = await start;

            Assert.Equal(JobState.Cancelled, cancelled.State);
            Assert.Equal(JobState.Cancelled, started.State);
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"the start took {stopwatch.Elapsed} to stop");

            // The job keeps its record: later it still reads as cancelled, with the reason and no report, and is listed.
            var later = await job.GetStatusAsync();
            Assert.Equal((JobState.Cancelled, "cancelled while the model loaded or the dataset was listed"), (later.State, later.Error));
            Assert.Null(await job.GetResultsAsync());
            Assert.Contains(await fixture.Grains.GetGrain<IJobRegistryGrain>(0).ListAsync(), j => j.JobId == $"cancel-{stage}");
        }
        finally
        {
            await fixture.Azurite.StartAgainAsync();
        }
    }

    [Fact]
    public async Task StorageDownForAFewSecondsMidJobStillGivesExactCounts()
    {
        var reference = await JobDriver.RunAsync(fixture.Grains, "outage-reference", fixture.Data.Spec("outage-reference", shardSize: 16));
        var held = fixture.Cluster.Silos.Last(s => s.IsActive);
        try
        {
            await fixture.StartMidJobAsync("outage", fixture.Data.Spec("outage", shardSize: 8) with { DataPath = fixture.DataUrl, OutputFolder = fixture.OutputUrl("outage") }, held);
            await fixture.Azurite.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(3));
            await fixture.Azurite.StartAgainAsync();
        }
        finally
        {
            fixture.OpenAllGates();
        }

        var done = await JobDriver.WaitAsync(fixture.Grains, "outage", TimeSpan.FromSeconds(120));

        Assert.True(done.State == JobState.Completed, $"{done.State}: {done.Error}");
        JobDriver.AssertSameCounts(reference, await JobDriver.ReportAsync(fixture.Grains, "outage"));
    }
}
