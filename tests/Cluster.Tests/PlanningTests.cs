using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Models;
using SENet.Evaluation.Storage;

namespace SENet.Cluster.Tests;

/// <summary>
/// Planning in the background: submit answers once the job is validated, in the planning state; status and cancel
/// answer while the listing runs; shards are leased as they are planned; a listing that breaks fails the job with its
/// reason. Listings are held or broken at a chosen file (<see cref="ListingFaults"/>), so nothing here depends on timing.
/// </summary>
public sealed class PlanningTests(CoordinatorOnlyFixture fixture) : IClassFixture<CoordinatorOnlyFixture>
{
    private const string Worker = "127.0.0.1:1@1|cpu:7";
    private const int Classes = 5;

    [Fact]
    public async Task StatusAnswersDuringPlanningAndShardsAreLeasedAsTheyArePlanned()
    {
        var (job, jobId, spec) = Submit("status");
        var fault = ListingFaults.Set(spec.DataPath, new ListingFault(HoldAfter: 25));
        try
        {
            // Submit answered with the listing held: it did not wait on the listing.
            var started = await job.StartAsync(spec);
            Assert.Equal(JobState.Planning, started.State);

            // The 20 images before the hold are two shards of 10, leasable now; the total is not known yet.
            var planning = await JobDriver.WaitAsync(fixture.Grains, jobId, TimeSpan.FromSeconds(30), s => s.ShardsTotal >= 2);
            Assert.Equal((JobState.Planning, 2, 20L), (planning.State, planning.ShardsTotal, planning.ImagesTotal));
            Assert.Null(planning.Eta);
            Assert.Equal(1, fault.Holding);

            var lease = (await job.LeaseAsync(Worker)).Lease!;
            Assert.True(await job.CompleteAsync(lease, await PlanningDriver.ResultAsync(spec.OutputFolder!, lease, Worker, Classes)));
            var during = await job.GetStatusAsync();
            Assert.Equal((JobState.Planning, 1, 10L), (during.State, during.ShardsDone, during.ImagesScored));
            // Every planned shard merged is not the end while the listing goes on.
            var second = (await job.LeaseAsync(Worker)).Lease!;
            Assert.True(await job.CompleteAsync(second, await PlanningDriver.ResultAsync(spec.OutputFolder!, second, Worker, Classes)));
            Assert.Equal(JobState.Planning, (await job.GetStatusAsync()).State);
        }
        finally
        {
            fault.Release();
        }

        var done = await PlanningDriver.RunToEndAsync(fixture.Grains, jobId, spec.OutputFolder!, Worker, Classes);
        Assert.Equal((JobState.Completed, 7, (long)fixture.Data.Images), (done.State, done.ShardsTotal, done.ImagesTotal));
        var report = await JobDriver.ReportAsync(fixture.Grains, jobId);
        Assert.Equal((fixture.Data.Images, 0L, fixture.Data.Images), (report.Images, report.Failed, report.Top1Correct));
        ListingFaults.Clear(spec.DataPath);
    }

    [Fact]
    public async Task TheClassFoldersAreListedOnceFromSubmitToThePlansEnd()
    {
        // A class-folder listing walks every blob under the dataset on some stores (Azurite: ~6 s for 100,000 blobs),
        // and all of it comes before the first lease: submit's check and planning share one.
        var (job, jobId, spec) = Submit("folders-once");

        Assert.Equal(JobState.Planning, (await job.StartAsync(spec)).State);
        var done = await PlanningDriver.RunToEndAsync(fixture.Grains, jobId, spec.OutputFolder!, Worker, Classes);

        Assert.Equal((JobState.Completed, (long)fixture.Data.Images), (done.State, done.ImagesTotal));
        Assert.Equal(1, ListingFaults.FolderListings(spec.DataPath));
    }

    [Fact]
    public async Task AListingThatBreaksMidwayFailsTheJobWithItsReason()
    {
        var (job, jobId, spec) = Submit("broken");
        ListingFaults.Set(spec.DataPath, new ListingFault(FailAfter: 25));
        try
        {
            Assert.Equal(JobState.Planning, (await job.StartAsync(spec)).State);
            var failed = await JobDriver.WaitAsync(fixture.Grains, jobId, TimeSpan.FromSeconds(30));

            Assert.Equal(JobState.Failed, failed.State);
            Assert.Contains("Planning the dataset failed after 20 images in 2 shards", failed.Error);
            Assert.Contains("injected listing fault: the listing of", failed.Error);
            Assert.Contains("broke after 25 files", failed.Error);
            Assert.Null((await job.LeaseAsync(Worker)).Lease);
        }
        finally
        {
            ListingFaults.Clear(spec.DataPath);
        }
    }

    [Fact]
    public async Task CancelDuringPlanningAnswersAndStopsTheListing()
    {
        var (job, jobId, spec) = Submit("cancel");
        var fault = ListingFaults.Set(spec.DataPath, new ListingFault(HoldAfter: 25));
        try
        {
            await job.StartAsync(spec);
            await JobDriver.WaitAsync(fixture.Grains, jobId, TimeSpan.FromSeconds(30), s => s.ShardsTotal >= 2);
            Assert.Equal(1, fault.Holding);

            var cancelled = await job.CancelAsync();

            Assert.Equal(JobState.Cancelled, cancelled.State);
            // The listing held at file 25 was stopped, not left to run on.
            await JobDriver.WaitAsync(fixture.Grains, jobId, TimeSpan.FromSeconds(30), _ => fault.Stopped == 1);
            Assert.Equal(0, fault.Holding);
            Assert.True((await job.LeaseAsync(Worker)).JobOver);
            Assert.Equal(JobState.Cancelled, (await job.GetStatusAsync()).State);
        }
        finally
        {
            fault.Release();
            ListingFaults.Clear(spec.DataPath);
        }
    }

    [Fact]
    public async Task AnEmptyClassFolderKeepsItsIndexInAClusterJobAsInALocalEvaluation()
    {
        var (job, jobId, spec) = Submit("empty-class");
        // Folders sort class_00, class_01, class_01_empty, class_02, …: the empty one is class 2, class_02 is class 3.
        Directory.CreateDirectory(Path.Combine(spec.DataPath, "class_01_empty"));
        var model = Path.Combine(spec.DataPath, "..", $"six-classes-{Guid.NewGuid():N}.onnx");
        await File.WriteAllBytesAsync(model, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 6, InputSize: 32, Seed: 3)));
        spec = spec with { ModelPath = Path.GetFullPath(model), ShardSize = 100 };

        await job.StartAsync(spec);
        var planned = await JobDriver.WaitAsync(fixture.Grains, jobId, TimeSpan.FromSeconds(30), s => s.State != JobState.Planning);
        Assert.True(planned.State == JobState.Running, $"{planned.State}: {planned.Error}");
        var outputs = new LocalOutputStore(spec.OutputFolder!);
        var manifest = await ShardManifest.ReadAsync(outputs, 0, CancellationToken.None);
        await job.CancelAsync();

        // The local evaluator's planner labels the same folder alike, and both follow the folders' order.
        var local = await DatasetPlanner.PlanAsync(new LocalFolderSource(spec.DataPath), new DatasetSpec(), modelClasses: 6);
        Assert.Equal(local.Images, manifest);
        Assert.All(manifest.Where(i => i.Path.StartsWith("class_02/", StringComparison.Ordinal)), i => Assert.Equal(3, i.Label));
        Assert.All(manifest.Where(i => i.Path.StartsWith("class_01/", StringComparison.Ordinal)), i => Assert.Equal(1, i.Label));
        Assert.Equal(["class_00", "class_01", "class_01_empty", "class_02", "class_03", "class_04"], await ShardManifest.ReadClassNamesAsync(outputs, CancellationToken.None));
    }

    private (IEvaluationJobGrain Job, string JobId, JobSpec Spec) Submit(string name)
    {
        var jobId = $"planning-{name}-{Guid.NewGuid():N}";
        var spec = fixture.Data.Spec(jobId, shardSize: 10) with { DataPath = PlanningDriver.CopyData(fixture.Data, name), LeaseTimeout = TimeSpan.FromMinutes(5), TailDuplicates = false };
        return (fixture.Grains.GetGrain<IEvaluationJobGrain>(jobId), jobId, spec);
    }
}
