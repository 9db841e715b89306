using SENet.Contracts.Jobs;

namespace SENet.Grains.Jobs;

/// <summary>The list behind <c>senet jobs</c>.</summary>
public sealed class JobRegistryGrain([PersistentState("registry", StorageNames.Jobs)] IPersistentState<List<JobSummary>> jobs) : Grain, IJobRegistryGrain
{
    public async Task RegisterAsync(JobSummary job)
    {
        if (jobs.State.All(j => j.JobId != job.JobId))
        {
            jobs.State.Add(job);
            await jobs.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<JobSummary>> ListAsync() => Task.FromResult<IReadOnlyList<JobSummary>>(jobs.State.OrderBy(j => j.SubmittedUtc).ToList());
}
