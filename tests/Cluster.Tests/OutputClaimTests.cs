using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;

namespace SENet.Cluster.Tests;

/// <summary>An output location holds one job: a second job there is refused naming the first, locally and in blob storage.</summary>
public sealed class OutputClaimTests(SingleSiloFixture local, BlobClusterFixture blob) : IClassFixture<SingleSiloFixture>, IClassFixture<BlobClusterFixture>
{
    [Fact]
    public async Task ASecondJobIntoARunningJobsFolderIsRefusedNamingItAndTheFirstCountsOnlyItsOwnImages()
    {
        var spec = local.Data.Spec("shared", shardSize: 8);
        local.CloseAllGates();
        try
        {
            await local.Grains.GetGrain<IEvaluationJobGrain>("first").StartAsync(spec);
            await local.WaitUntilHoldingAsync("first", local.Cluster.Silos[0]);

            var second = await Assert.ThrowsAsync<JobRejectedException>(() => local.Grains.GetGrain<IEvaluationJobGrain>("second").StartAsync(spec));
            var overwrite = await Assert.ThrowsAsync<JobRejectedException>(() => local.Grains.GetGrain<IEvaluationJobGrain>("second-overwrite").StartAsync(spec with { Overwrite = true }));

            Assert.Contains("holds job 'first'", second.Message);
            Assert.Contains("--overwrite", second.Message);
            Assert.Contains("still running", overwrite.Message);
        }
        finally
        {
            local.OpenAllGates();
        }

        var status = await JobDriver.WaitAsync(local.Grains, "first");
        var report = ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(spec.OutputFolder!, "report.json")));
        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(local.Data.Images, report.Images + report.Failed);
        Assert.Equal(report.Images, PredictionRows(spec.OutputFolder!));
    }

    [Fact]
    public async Task ARerunIntoAnEndedJobsFolderIsRefusedAndOverwriteReplacesItsPartsOnly()
    {
        var spec = local.Data.Spec("rerun", shardSize: 4);
        await JobDriver.RunAsync(local.Grains, "rerun-1", spec);
        // What an earlier, bigger job would have left: a part this job will never write. And a file that is not a job's.
        var stale = Path.Combine(spec.OutputFolder!, "predictions", "shard-999999.csv");
        await File.WriteAllTextAsync(stale, "image,label\nstale.jpg,0\n");
        var notes = Path.Combine(spec.OutputFolder!, "notes.txt");
        await File.WriteAllTextAsync(notes, "mine");

        var refused = await Assert.ThrowsAsync<JobRejectedException>(() => local.Grains.GetGrain<IEvaluationJobGrain>("rerun-2").StartAsync(spec with { BatchSize = 2 }));
        var report = await JobDriver.RunAsync(local.Grains, "rerun-3", spec with { Overwrite = true });

        Assert.Contains("holds job 'rerun-1'", refused.Message);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(notes));
        Assert.Equal("rerun-3", (await File.ReadAllTextAsync(Path.Combine(spec.OutputFolder!, ".senet-job"))).Trim());
        Assert.Equal(report.Images, PredictionRows(spec.OutputFolder!));
        Assert.Equal(local.Data.Images, report.Images + report.Failed);
    }

    [Fact]
    public async Task ABlobPrefixHoldsOneJobAndOverwriteReplacesAnEndedOnesParts()
    {
        var spec = blob.Data.Spec("claimed", shardSize: 8) with { DataPath = blob.DataUrl, OutputFolder = blob.OutputUrl("claimed") };
        await JobDriver.RunAsync(blob.Grains, "claimed-1", spec);
        var results = blob.Container("results");
        await results.UploadBlobAsync("claimed/predictions/shard-999999.csv", BinaryData.FromString("image,label\nstale.jpg,0\n"));

        var refused = await Assert.ThrowsAsync<JobRejectedException>(() => blob.Grains.GetGrain<IEvaluationJobGrain>("claimed-2").StartAsync(spec));
        var report = await JobDriver.RunAsync(blob.Grains, "claimed-3", spec with { Overwrite = true });

        Assert.Contains("holds job 'claimed-1'", refused.Message);
        Assert.False((await results.GetBlobClient("claimed/predictions/shard-999999.csv").ExistsAsync()).Value);
        Assert.Equal("claimed-3", (await results.GetBlobClient("claimed/.senet-job").DownloadContentAsync()).Value.Content.ToString());
        var rows = 0;
        await foreach (var part in results.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "claimed/predictions/" }))
        {
            rows += (await results.GetBlobClient(part.Name).DownloadContentAsync()).Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
        }

        Assert.Equal(report.Images, rows);
    }

    [Fact]
    public async Task ARefusedJobGivesItsFolderBack()
    {
        var spec = local.Data.Spec("refused-then-fixed", shardSize: 4);

        await Assert.ThrowsAsync<JobRejectedException>(() => local.Grains.GetGrain<IEvaluationJobGrain>("refused").StartAsync(spec with { LabelsFile = Path.Combine(local.Data.Folder, "no-such-labels.txt") }));
        var report = await JobDriver.RunAsync(local.Grains, "fixed", spec);

        Assert.Equal(local.Data.Images, report.Images + report.Failed);
    }

    private static int PredictionRows(string folder) =>
        Directory.GetFiles(Path.Combine(folder, "predictions"), "shard-*.csv").Sum(p => File.ReadAllLines(p).Length - 1);
}
