using System.Text;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;

namespace SENet.Cluster.Tests;

public sealed class BlobJobTests(BlobClusterFixture fixture) : IClassFixture<BlobClusterFixture>
{
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
        var rows = 0;
        foreach (var part in names.Where(n => n.StartsWith("blob/predictions/", StringComparison.Ordinal)))
        {
            rows += Encoding.UTF8.GetString((await results.GetBlobClient(part).DownloadContentAsync()).Value.Content.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
        }

        Assert.Equal(fromBlobs.Images, rows);
        var stored = ReportWriter.FromJson((await results.GetBlobClient("blob/report.json").DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal(fromBlobs.Top1Correct, stored.Top1Correct);
    }

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
