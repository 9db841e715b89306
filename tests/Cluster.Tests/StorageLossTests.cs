using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;

namespace SENet.Cluster.Tests;

/// <summary>A job whose storage is lost before it ends (memory storage on a killed localhost silo) still writes its report.</summary>
public sealed class StorageLossTests(StorageLossFixture fixture) : IClassFixture<StorageLossFixture>
{
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
