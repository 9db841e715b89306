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
        var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("kill");
        // No tail duplicates: what the victim held comes back through lease reclaim (or was completed before it died).
        // Small shards, more of them than the other silos' workers hold at once (two each): the victim's workers get
        // leases even when their silo loads the model last.
        var started = await job.StartAsync(fixture.Data.Spec("kill", shardSize: 8) with { TailDuplicates = false });

        // The victim hosts neither the coordinator nor job storage, and holds a lease right now.
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        var storageSilo = await management.GetActivationAddress(fixture.Grains.GetGrain<IMemoryStorageGrain>(0));
        var spared = new[] { started.CoordinatorSilo, storageSilo?.ToParsableString(), fixture.Cluster.Silos[0].SiloAddress.ToParsableString() };
        var victims = fixture.Cluster.Silos.Where(s => !spared.Contains(s.SiloAddress.ToParsableString())).ToList();
        Assert.NotEmpty(victims);
        var busy = await JobDriver.WaitAsync(fixture.Grains, "kill", TimeSpan.FromSeconds(60),
            s => s.IsFinished || s.Workers.Any(w => w.ShardsHeld > 0 && victims.Any(v => v.SiloAddress.ToParsableString() == w.Silo)));
        Assert.False(busy.IsFinished, $"the job finished ({busy.State}: {busy.Error}) before a silo could be killed mid-job; victims {string.Join(", ", victims.Select(v => v.SiloAddress))}; " +
            $"workers {string.Join("; ", busy.Workers.Select(w => $"{w.Worker} done {w.ShardsCompleted}"))}");
        var victim = victims.First(v => busy.Workers.Any(w => w.ShardsHeld > 0 && w.Silo == v.SiloAddress.ToParsableString()));

        await fixture.Cluster.KillSiloAsync(victim);
        await fixture.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);
        var done = await JobDriver.WaitAsync(fixture.Grains, "kill", TimeSpan.FromSeconds(120));

        Assert.Equal(JobState.Completed, done.State);
        Assert.Equal(fixture.Data.Images, done.ImagesDone);
        JobDriver.AssertSameCounts(reference, await JobDriver.ReportAsync(fixture.Grains, "kill"));
    }

    [Fact]
    public async Task CancelStopsTheWorkersAndKeepsAReportOfWhatWasDone()
    {
        var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("cancel");
        await job.StartAsync(fixture.Data.Spec("cancel", shardSize: 2));
        await JobDriver.WaitAsync(fixture.Grains, "cancel", TimeSpan.FromSeconds(60), s => s.ShardsDone >= 1);

        var cancelled = await job.CancelAsync();
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
}
