using SENet.Contracts.Jobs;

namespace SENet.Cluster.Tests;

public sealed class StorageAwayTests(ImpatientStorageClusterFixture fixture) : IClassFixture<ImpatientStorageClusterFixture>
{
    [Fact]
    public async Task StorageAwayLongerThanTheClientRetriesDelaysTheJobAndLosesNothing()
    {
        var reference = await JobDriver.RunAsync(fixture.Grains, "long-outage-reference", fixture.Data.Spec("long-outage-reference", shardSize: 16));
        var held = fixture.Cluster.Silos.Last(s => s.IsActive);
        try
        {
            var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("long-outage");
            await fixture.StartMidJobAsync("long-outage",
                fixture.Data.Spec("long-outage", shardSize: 8) with { DataPath = fixture.DataUrl, OutputFolder = fixture.OutputUrl("long-outage") }, held);

            // Every worker now reads, and writes its shards' outputs, against storage that is gone for many times the
            // client's retry budget (one retry, half a second).
            await fixture.Azurite.StopAsync();
            fixture.OpenAllGates();
            await Task.Delay(TimeSpan.FromSeconds(8));
            var during = await job.GetStatusAsync();
            // Planning too may be under way (the listing itself met the outage): neither state is an end.
            Assert.True(during.IsActive, $"{during.State}: {during.Error}");
            Assert.True(during.ShardsRetried > 0, "no shard was handed back while storage was away");
            await fixture.Azurite.StartAgainAsync();
        }
        finally
        {
            fixture.OpenAllGates();
        }

        var done = await JobDriver.WaitAsync(fixture.Grains, "long-outage", TimeSpan.FromSeconds(120));

        Assert.True(done.State == JobState.Completed, $"{done.State}: {done.Error}");
        Assert.Equal(fixture.Data.Images, done.ImagesDone);
        var report = await JobDriver.ReportAsync(fixture.Grains, "long-outage");
        // The outage failed no image: the failures are the dataset's own, whatever storage did meanwhile.
        var extra = report.Failures.Where(f => reference.Failures.All(r => r.ImageId != f.ImageId)).ToList();
        Assert.True(extra.Count == 0, $"failed while storage was away: {string.Join("; ", extra.Select(f => $"{f.ImageId} ({f.Stage}: {f.Reason})"))}");
        JobDriver.AssertSameCounts(reference, report);
    }

    [Fact]
    public async Task AJobOnStorageThatDoesNotAnswerIsRefusedSayingSoWithoutTheSecret()
    {
        await fixture.Azurite.StopAsync();
        try
        {
            var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("unreachable");
            var refused = await Assert.ThrowsAsync<JobRejectedException>(() => job.StartAsync(
                fixture.Data.Spec("unreachable", shardSize: 8) with { DataPath = fixture.DataUrl, OutputFolder = fixture.OutputUrl("unreachable") }));

            Assert.Contains("storage did not answer", refused.Message);
            Assert.Contains("check that the account is reachable", refused.Message);
            Assert.DoesNotContain(SENet.Tests.Storage.Azurite.AccountKey, refused.Message);
        }
        finally
        {
            await fixture.Azurite.StartAgainAsync();
        }
    }
}
