using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SENet.Contracts.Jobs;

namespace SENet.Grains.Jobs;

/// <summary>
/// When a silo starts, touches every registered job that was still running, so that a cluster stopped and started
/// again picks its jobs up from their stored state (unmerged shards re-leased, merged ones kept) with no client call.
/// </summary>
public sealed class JobResumer(IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<JobResumer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // After the silo has started: grain calls need a running silo.
        lifetime.ApplicationStarted.Register(() => _ = ResumeAsync());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ResumeAsync()
    {
        try
        {
            foreach (var job in await grains.GetGrain<IJobRegistryGrain>(0).ListAsync())
            {
                var status = await grains.GetGrain<IEvaluationJobGrain>(job.JobId).GetStatusAsync();
                if (status.IsActive)
                {
                    logger.LogInformation("Job {Job} resumed ({State}): {Done}/{Total} shards were done", job.JobId, status.State, status.ShardsDone, status.ShardsTotal);
                }
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Resuming running jobs failed; they resume when next called");
        }
    }
}
