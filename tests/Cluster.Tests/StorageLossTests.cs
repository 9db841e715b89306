using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;

namespace SENet.Cluster.Tests;

/// <summary>A job whose storage is lost before it ends (memory storage on a killed localhost silo) still writes its report.</summary>
public sealed class StorageLossTests(StorageLossFixture fixture) : IClassFixture<StorageLossFixture>
{
    [Fact]
    public async Task AJobWhoseRecordIsLostAnswersItsStatusFromItsReport()
    {
        var report = await JobDriver.RunAsync(fixture.Grains, "kept", fixture.Data.Spec("kept"));
        // A job this cluster has no record of (its storage died with a silo), whose report lies at its default output.
        var lost = Path.Combine(fixture.Data.Folder, "out", "lost");
        Directory.CreateDirectory(lost);
        File.Copy(Path.Combine(fixture.Data.Folder, "out", "kept", "report.json"), Path.Combine(lost, "report.json"));

        var status = await fixture.Grains.GetGrain<IEvaluationJobGrain>("lost").GetStatusAsync();
        var unknown = await fixture.Grains.GetGrain<IEvaluationJobGrain>("never-submitted").GetStatusAsync();

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal((report.Images, report.Failed), (status.ImagesScored, status.ImagesFailed));
        Assert.Contains("record was lost", status.Error);
        Assert.Equal(JobState.NotStarted, unknown.State);
        var results = await fixture.Grains.GetGrain<IEvaluationJobGrain>("lost").GetResultsAsync();
        Assert.NotNull(results);
        Assert.Equal(report.Top1Correct, ReportWriter.FromJson(results.ReportJson).Top1Correct);
        Assert.Null(await fixture.Grains.GetGrain<IEvaluationJobGrain>("never-submitted").GetResultsAsync());
    }

    [Fact]
    public async Task AJobWhoseStateCannotBeStoredAnyMoreStillWritesItsReport()
    {
        var spec = fixture.Data.Spec("storage-lost", shardSize: 8);
        fixture.CloseAllGates();
        try
        {
            await fixture.Grains.GetGrain<IEvaluationJobGrain>("storage-lost").StartAsync(spec);
            await fixture.WaitUntilHoldingAsync("storage-lost", fixture.Cluster.Silos[0]);
            fixture.JobStorage.WritesFail = true;
        }
        finally
        {
            fixture.OpenAllGates();
        }

        try
        {
            var status = await JobDriver.WaitAsync(fixture.Grains, "storage-lost");

            Assert.Equal(JobState.Completed, status.State);
            var report = ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(spec.OutputFolder!, "report.json")));
            Assert.Equal(fixture.Data.Images, report.Images + report.Failed);
            Assert.True(File.Exists(Path.Combine(spec.OutputFolder!, "results.csv")));
        }
        finally
        {
            fixture.JobStorage.WritesFail = false;
        }
    }
}
