using Orleans.Storage;
using SENet.Contracts.Jobs;
using SENet.Contracts.Workers;

namespace SENet.Cluster.Tests;

public sealed class FailoverTests(KillableClusterFixture fixture) : IClassFixture<KillableClusterFixture>
{
    [Fact]
    public async Task ASiloKilledMidJobLosesNothingAndCountsNothingTwice()
    {
        var reference = await JobDriver.RunAsync(fixture.Grains, "kill-reference", fixture.Data.Spec("kill-reference", shardSize: 16));
        await fixture.WarmUpAsync();
        // Every silo holds its reads until the victim holds a lease, then all but the victim go: the job cannot finish
        // before the kill however fast this machine is, and the victim dies mid-job with its lease.
        fixture.CloseAllGates();
        try
        {
            var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("kill");
            // No tail duplicates: what the victim held comes back through lease reclaim, not through a duplicate.
            var started = await job.StartAsync(fixture.Data.Spec("kill", shardSize: 8) with { TailDuplicates = false });

            // The victim hosts neither the coordinator, job storage nor the primary's membership table.
            var management = fixture.Grains.GetGrain<IManagementGrain>(0);
            var storageSilo = await management.GetActivationAddress(fixture.Grains.GetGrain<IMemoryStorageGrain>(0));
            var spared = new[] { started.CoordinatorSilo, storageSilo?.ToParsableString(), fixture.Cluster.Silos[0].SiloAddress.ToParsableString() };
            var victim = fixture.Cluster.Silos.FirstOrDefault(s => !spared.Contains(s.SiloAddress.ToParsableString()));
            Assert.NotNull(victim);
            await fixture.WaitUntilHoldingAsync("kill", victim);
            fixture.OpenGatesExcept(victim);
            var before = await JobDriver.WaitAsync(fixture.Grains, "kill", TimeSpan.FromSeconds(60), s => s.ShardsDone >= 1 || s.IsFinished);
            Assert.False(before.IsFinished, $"the job finished ({before.State}: {before.Error}) while the victim held a lease");

            await fixture.Cluster.KillSiloAsync(victim);
            await fixture.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);
            fixture.OpenAllGates();
            var done = await JobDriver.WaitAsync(fixture.Grains, "kill", TimeSpan.FromSeconds(120));

            Assert.Equal(JobState.Completed, done.State);
            Assert.Equal(fixture.Data.Images, done.ImagesDone);
            JobDriver.AssertSameCounts(reference, await JobDriver.ReportAsync(fixture.Grains, "kill"));
        }
        finally
        {
            fixture.OpenAllGates();
        }
    }

    [Fact]
    public async Task CancelStopsTheWorkersAndKeepsAReportOfWhatWasDone()
    {
        // The last silo keeps a lease it cannot read, so the job is still running when it is cancelled however fast
        // this machine is.
        var held = fixture.Cluster.Silos.Last(s => s.IsActive);
        try
        {
            var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("cancel");
            await fixture.StartMidJobAsync("cancel", fixture.Data.Spec("cancel", shardSize: 2), held);

            var cancelled = await job.CancelAsync();
            fixture.OpenAllGates();
            await Task.Delay(500);
            var later = await job.GetStatusAsync();

            Assert.Equal(JobState.Cancelled, cancelled.State);
            Assert.True(cancelled.ImagesDone < fixture.Data.Images);
            Assert.Equal(cancelled.ShardsDone, later.ShardsDone);
            Assert.Null((await job.LeaseAsync("127.0.0.1:1@1|cpu:0")).Lease);
            var report = await JobDriver.ReportAsync(fixture.Grains, "cancel");
            Assert.Equal("cancelled", report.State);
            Assert.Equal(cancelled.ImagesScored, report.Images);
            foreach (var silo in fixture.Cluster.GetActiveSilos())
            {
                var worker = await fixture.Grains.GetGrain<IInferenceWorkerGrain>(WorkerKey.Format(silo.SiloAddress.ToParsableString(), "cpu:0")).GetStatusAsync();
                Assert.DoesNotContain("cancel", worker.ActiveJobs);
            }
        }
        finally
        {
            fixture.OpenAllGates();
        }
    }
}
