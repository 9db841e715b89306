using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;

namespace SENet.Cluster.Tests;

/// <summary>Submits jobs and waits for them the way the CLI does.</summary>
public static class JobDriver
{
    public static async Task<JobStatus> WaitAsync(IGrainFactory grains, string jobId, TimeSpan? timeout = null, Func<JobStatus, bool>? until = null)
    {
        var job = grains.GetGrain<IEvaluationJobGrain>(jobId);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        until ??= s => s.IsFinished;
        while (true)
        {
            var status = await job.GetStatusAsync();
            if (until(status))
            {
                return status;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Job {jobId} did not get there in time: {status.State}, {status.ShardsDone}/{status.ShardsTotal} shards, {status.ImagesDone}/{status.ImagesTotal} images.");
            }

            await Task.Delay(20);
        }
    }

    public static async Task<EvaluationReport> RunAsync(IGrainFactory grains, string jobId, JobSpec spec)
    {
        await grains.GetGrain<IEvaluationJobGrain>(jobId).StartAsync(spec);
        var status = await WaitAsync(grains, jobId);
        Assert.True(status.State == JobState.Completed, $"job {jobId} {status.State}: {status.Error}; workers {string.Join("; ", status.Workers.Select(w => $"{w.Worker} done {w.ShardsCompleted}"))}");
        return await ReportAsync(grains, jobId);
    }

    public static async Task<EvaluationReport> ReportAsync(IGrainFactory grains, string jobId)
    {
        var results = await grains.GetGrain<IEvaluationJobGrain>(jobId).GetResultsAsync();
        Assert.NotNull(results);
        return ReportWriter.FromJson(results.ReportJson);
    }

    /// <summary>Count for count: images, failures, top-1, top-5, every class, and the confusions.</summary>
    public static void AssertSameCounts(EvaluationReport expected, EvaluationReport actual)
    {
        Assert.Equal((expected.Images, expected.Failed, expected.Top1Correct, expected.Top5Correct), (actual.Images, actual.Failed, actual.Top1Correct, actual.Top5Correct));
        Assert.Equal(expected.PerClass, actual.PerClass);
        Assert.Equal(expected.TopConfusions, actual.TopConfusions);
        Assert.Equal(expected.Failures.Select(f => f.ImageId).Order(), actual.Failures.Select(f => f.ImageId).Order());
    }
}
