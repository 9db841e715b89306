using SENet.Contracts.Jobs;
using SENet.Contracts.Workers;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Storage;

namespace SENet.Cluster.Tests;

/// <summary>Plays a worker for planning tests: leases, scores each image of a shard right (its label first), completes.</summary>
public static class PlanningDriver
{
    /// <summary>A copy of the fixture's dataset under its folder, so that a listing fault set for it touches no other test.</summary>
    public static string CopyData(TestData data, string name)
    {
        var copy = Path.Combine(data.Folder, $"planning-{name}-{Guid.NewGuid():N}");
        foreach (var file in Directory.EnumerateFiles(data.DataPath, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(data.DataPath, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return copy;
    }

    public static async Task<ShardResult> ResultAsync(string outputFolder, ShardLease lease, string worker, int classes)
    {
        var images = await ShardManifest.ReadAsync(new LocalOutputStore(outputFolder), lease.ShardId, CancellationToken.None);
        var counts = new TopKCounts(classes);
        foreach (var image in images)
        {
            counts.Add(image.Label, [.. Enumerable.Range(0, Math.Min(TopKCounts.K, classes)).Select(k => (image.Label + k) % classes)]);
        }

        return new ShardResult(counts, [], worker, WorkerKey.Parse(worker).Device, DateTime.UtcNow, DateTime.UtcNow);
    }

    /// <summary>Leases and completes shards until the job is over; returns its final status.</summary>
    public static async Task<JobStatus> RunToEndAsync(IGrainFactory grains, string jobId, string outputFolder, string worker, int classes)
    {
        var job = grains.GetGrain<IEvaluationJobGrain>(jobId);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            var response = await job.LeaseAsync(worker);
            if (response.Lease is { } lease)
            {
                Assert.True(await job.CompleteAsync(lease, await ResultAsync(outputFolder, lease, worker, classes)));
            }
            else if (response.JobOver || (await job.GetStatusAsync()).IsFinished)
            {
                return await JobDriver.WaitAsync(grains, jobId, TimeSpan.FromSeconds(30));
            }
            else
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"job {jobId} did not end in 120 s");
    }
}
