using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;

namespace SENet.Cluster.Tests;

/// <summary>The coordinator's leasing and merging, with the test playing the workers (the silo offers no devices).</summary>
public sealed class CoordinatorTests(CoordinatorOnlyFixture fixture) : IClassFixture<CoordinatorOnlyFixture>
{
    private const string Worker = "127.0.0.1:1@1|cpu:7";
    private const string OtherWorker = "127.0.0.1:2@1|cpu:8";

    [Fact]
    public async Task DuplicateAndLateCompletionsNeverChangeTheTotals()
    {
        var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("duplicates");
        var started = await job.StartAsync(fixture.Data.Spec("duplicates", shardSize: 20) with { LeaseTimeout = TimeSpan.FromSeconds(30) });
        Assert.True(started.IsActive, $"{started.State}: {started.Error}");

        var first = (await job.LeaseAsync(Worker)).Lease!;
        Assert.True(await job.CompleteAsync(first, await ResultAsync(first)));
        Assert.False(await job.CompleteAsync(first, await ResultAsync(first)));

        var afterDuplicate = await job.GetStatusAsync();
        Assert.Equal(1, afterDuplicate.ShardsDone);
        Assert.Equal(1, afterDuplicate.IgnoredCompletions);

        // Finish the rest; then a late completion for an already merged shard arrives.
        while ((await job.LeaseAsync(Worker)).Lease is { } lease)
        {
            Assert.True(await job.CompleteAsync(lease, await ResultAsync(lease)));
        }

        var done = await job.GetStatusAsync();
        Assert.Equal(JobState.Completed, done.State);
        Assert.False(await job.CompleteAsync(first with { LeaseId = Guid.NewGuid() }, await ResultAsync(first)));
        var report = await JobDriver.ReportAsync(fixture.Grains, "duplicates");
        Assert.Equal(fixture.Data.Images, report.Images + report.Failed);
        Assert.Equal(done.ImagesScored, (await job.GetStatusAsync()).ImagesScored);
    }

    [Fact]
    public async Task ACompletionThatAsksForTheNextLeaseCountsOnceAndGetsTheNextShard()
    {
        var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("complete-and-lease");
        var started = await job.StartAsync(fixture.Data.Spec("complete-and-lease", shardSize: 20) with { LeaseTimeout = TimeSpan.FromSeconds(30) });
        Assert.True(started.IsActive, $"{started.State}: {started.Error}");

        var first = (await job.LeaseAsync(Worker)).Lease!;
        var answer = await job.CompleteAndLeaseAsync(first, await ResultAsync(first), Worker);
        Assert.True(answer.Merged);
        var second = Assert.IsType<ShardLease>(answer.Lease);
        Assert.NotEqual(first.ShardId, second.ShardId);

        // The whole call retried (its answer lost): the completion is ignored, and the worker is given a shard again.
        var retried = await job.CompleteAndLeaseAsync(first, await ResultAsync(first), Worker);
        Assert.False(retried.Merged);
        Assert.NotNull(retried.Lease);
        var status = await job.GetStatusAsync();
        Assert.Equal((1, 1, 2), (status.ShardsDone, status.IgnoredCompletions, status.ShardsLeased));

        // The rest, one call a shard (a tail duplicate's completion may come second and not count): every shard counted
        // once, and the last answer says the job is over.
        var leases = new Queue<ShardLease>([second, retried.Lease!]);
        var merged = 1;
        LeaseResponse? last = null;
        while (leases.TryDequeue(out var lease))
        {
            last = await job.CompleteAndLeaseAsync(lease, await ResultAsync(lease), Worker);
            merged += last.Merged ? 1 : 0;
            if (last.Lease is { } more)
            {
                leases.Enqueue(more);
            }
        }

        Assert.True(last!.JobOver);
        Assert.Equal((await job.GetStatusAsync()).ShardsTotal, merged);
        var report = await JobDriver.ReportAsync(fixture.Grains, "complete-and-lease");
        Assert.Equal(fixture.Data.Images, report.Images + report.Failed);
        Assert.Equal(JobState.Completed, (await job.GetStatusAsync()).State);
    }

    [Fact]
    public async Task AnExpiredLeaseGoesBackToTheQueueAndOnlyOneCompletionCounts()
    {
        var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("expiry");
        var spec = fixture.Data.Spec("expiry", shardSize: 100) with { LeaseTimeout = TimeSpan.FromSeconds(1) };
        await job.StartAsync(spec);

        var original = (await job.LeaseAsync(Worker)).Lease!;
        Assert.Null((await job.LeaseAsync(OtherWorker)).Lease);
        var retried = await JobDriver.WaitAsync(fixture.Grains, "expiry", TimeSpan.FromSeconds(10), s => s.ShardsRetried == 1);
        Assert.False(await job.RenewAsync(original, 10));

        var again = (await job.LeaseAsync(OtherWorker)).Lease!;
        Assert.Equal(original.ShardId, again.ShardId);
        Assert.Equal(2, again.Attempt);

        // The slow original finishes first: it counts, and the retry's completion is ignored.
        Assert.True(await job.CompleteAsync(original, await ResultAsync(original)));
        Assert.False(await job.CompleteAsync(again, await ResultAsync(again)));
        var status = await job.GetStatusAsync();
        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(fixture.Data.Images, status.ImagesDone);
        Assert.Equal(1, retried.ShardsRetried);
    }

    [Fact]
    public async Task ALeaseHeldOnADeadSiloIsTakenBackLongBeforeItsDeadline()
    {
        var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("dead-silo");
        await job.StartAsync(fixture.Data.Spec("dead-silo", shardSize: 100) with { LeaseTimeout = TimeSpan.FromMinutes(10) });
        // The same endpoint with an older generation: membership reports that silo as dead (it restarted).
        var live = fixture.Cluster.Silos[0].SiloAddress;
        var deadWorker = Contracts.Workers.WorkerKey.Format(SiloAddress.New(live.Endpoint, live.Generation - 1).ToParsableString(), "cuda:0");

        var lease = (await job.LeaseAsync(deadWorker)).Lease!;
        var reclaimed = await JobDriver.WaitAsync(fixture.Grains, "dead-silo", TimeSpan.FromSeconds(10), s => s.LeasesReclaimed == 1);
        var again = (await job.LeaseAsync(Worker)).Lease!;

        Assert.Equal(1, reclaimed.ShardsRetried);
        Assert.Equal(lease.ShardId, again.ShardId);
        await job.CancelAsync();
    }

    [Fact]
    public async Task AReleasedLeaseIsRetriedAtOnceAndTheWorkersErrorIsKept()
    {
        var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("release");
        await job.StartAsync(fixture.Data.Spec("release", shardSize: 100));

        var lease = (await job.LeaseAsync(Worker)).Lease!;
        await job.ReleaseAsync(lease, "model failed to load: out of memory");
        var again = (await job.LeaseAsync(OtherWorker)).Lease!;

        Assert.Equal(lease.ShardId, again.ShardId);
        Assert.Equal(1, (await job.GetStatusAsync()).ShardsRetried);
        await job.CancelAsync();
    }

    [Fact]
    public async Task StartRefusesABadJobBeforeAnyWorkAndLeavesNoJobBehind()
    {
        var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("bad-classes");
        var wrongClasses = Path.Combine(fixture.Data.Folder, "ten-classes.onnx");
        await File.WriteAllBytesAsync(wrongClasses, Evaluation.Models.SeResNetBuilder.BuildBytes(new(Evaluation.Models.SeResNetArchitecture.SeResNet18, Classes: 10, InputSize: 32)));

        var error = await Assert.ThrowsAsync<JobRejectedException>(() => job.StartAsync(fixture.Data.Spec("bad-classes") with { ModelPath = wrongClasses }));
        var missing = await Assert.ThrowsAsync<JobRejectedException>(() =>
            fixture.Grains.GetGrain<IEvaluationJobGrain>("bad-model").StartAsync(fixture.Data.Spec("bad-model") with { ModelPath = "/nowhere/model.onnx" }));

        Assert.Contains("model outputs 10 classes but the dataset has 5", error.Message);
        Assert.Contains("/nowhere/model.onnx", missing.Message);
        Assert.Equal(JobState.NotStarted, (await job.GetStatusAsync()).State);
        Assert.False(Directory.Exists(Path.Combine(fixture.Data.Folder, "out", "bad-classes", "manifest")));
    }

    [Fact]
    public async Task AnOutputLocationOutsideTheClustersOutputRootIsRefused()
    {
        var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("escape");

        var outside = await Assert.ThrowsAsync<JobRejectedException>(() => job.StartAsync(fixture.Data.Spec("escape") with { OutputFolder = Path.Combine(fixture.Data.Folder, "elsewhere") }));
        var climbing = await Assert.ThrowsAsync<JobRejectedException>(() => job.StartAsync(fixture.Data.Spec("escape") with { OutputFolder = Path.Combine(fixture.Data.Folder, "out", "..", "data") }));
        var defaulted = await fixture.Grains.GetGrain<IEvaluationJobGrain>("defaulted").StartAsync(fixture.Data.Spec("defaulted") with { OutputFolder = null });

        Assert.Contains("outside this cluster's output root", outside.Message);
        Assert.Contains("outside this cluster's output root", climbing.Message);
        Assert.True(defaulted.IsActive, $"{defaulted.State}: {defaulted.Error}");
        // Planned in the background: the first shard's manifest lands moments after the answer.
        Assert.True(SpinWait.SpinUntil(() => Directory.Exists(Path.Combine(fixture.Data.Folder, "out", "defaulted", "manifest")), TimeSpan.FromSeconds(30)));
        await fixture.Grains.GetGrain<IEvaluationJobGrain>("defaulted").CancelAsync();
    }

    [Fact]
    public async Task InputsOutsideTheClustersInputRootsAreRefusedNamingTheOption()
    {
        var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("inputs");
        var linked = Path.Combine(Folder, "passwd-link.txt");
        File.CreateSymbolicLink(linked, "/etc/passwd");

        var labels = await Assert.ThrowsAsync<JobRejectedException>(() => job.StartAsync(fixture.Data.Spec("inputs") with { LabelsFile = "/etc/passwd" }));
        var modelClasses = await Assert.ThrowsAsync<JobRejectedException>(() => job.StartAsync(fixture.Data.Spec("inputs") with { ModelClassesFile = linked }));
        var data = await Assert.ThrowsAsync<JobRejectedException>(() => job.StartAsync(fixture.Data.Spec("inputs") with { DataPath = "/etc" }));

        Assert.Contains("--labels '/etc/passwd' is outside the locations this cluster reads from (SENet:Storage:InputRoots", labels.Message);
        Assert.Contains("--model-classes", modelClasses.Message);
        Assert.Contains("--data '/etc'", data.Message);
        Assert.DoesNotContain("root:", labels.Message + modelClasses.Message + data.Message);
        Assert.Equal(JobState.NotStarted, (await job.GetStatusAsync()).State);
    }

    [Fact]
    public async Task AnOutputUnderALinkThatLeavesTheOutputRootIsRefused()
    {
        Directory.CreateDirectory(Path.Combine(Folder, "out"));
        Directory.CreateDirectory(Path.Combine(Folder, "elsewhere-linked"));
        Directory.CreateSymbolicLink(Path.Combine(Folder, "out", "link"), Path.Combine(Folder, "elsewhere-linked"));

        var error = await Assert.ThrowsAsync<JobRejectedException>(() =>
            fixture.Grains.GetGrain<IEvaluationJobGrain>("linked-out").StartAsync(fixture.Data.Spec("linked-out") with { OutputFolder = Path.Combine(Folder, "out", "link", "run") }));

        Assert.Contains("outside this cluster's output root", error.Message);
        Assert.False(Directory.Exists(Path.Combine(Folder, "elsewhere-linked", "run")));
    }

    [Fact]
    public async Task AFileSizeLimitThatCannotWorkIsRefusedNamingTheOption()
    {
        var error = await Assert.ThrowsAsync<JobRejectedException>(() =>
            fixture.Grains.GetGrain<IEvaluationJobGrain>("no-bytes").StartAsync(fixture.Data.Spec("no-bytes") with { MaxFileBytes = 0 }));

        Assert.Contains("--max-file-bytes 0 is out of range", error.Message);
    }

    [Fact]
    public async Task StartingTheSameJobTwiceIsIdempotentAndADifferentSpecIsRefused()
    {
        var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("twice");
        var spec = fixture.Data.Spec("twice", shardSize: 100);

        var first = await job.StartAsync(spec);
        var planned = await JobDriver.WaitAsync(fixture.Grains, "twice", TimeSpan.FromSeconds(30), s => s.State != JobState.Planning);
        var second = await job.StartAsync(spec);

        Assert.Equal(first.JobId, second.JobId);
        Assert.Equal(planned.ShardsTotal, second.ShardsTotal);
        await Assert.ThrowsAsync<ArgumentException>(() => job.StartAsync(spec with { ShardSize = 7 }));
        await job.CancelAsync();
    }

    /// <summary>Scores a leased shard's images with made-up rankings: the coordinator only counts.</summary>
    private string Folder => fixture.Data.Folder;

    private async Task<ShardResult> ResultAsync(ShardLease lease)
    {
        var images = await ShardManifest.ReadAsync(new Evaluation.Storage.LocalOutputStore(Path.Combine(Folder, "out", lease.JobId)), lease.ShardId, CancellationToken.None);
        var counts = new TopKCounts(5);
        foreach (var image in images)
        {
            counts.Add(image.Label, [image.Label, (image.Label + 1) % 5, (image.Label + 2) % 5, (image.Label + 3) % 5, (image.Label + 4) % 5]);
        }

        return new ShardResult(counts, [], Worker, "cpu:7", DateTime.UtcNow, DateTime.UtcNow);
    }
}
