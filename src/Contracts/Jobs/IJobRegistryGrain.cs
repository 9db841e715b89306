namespace SENet.Contracts.Jobs;

/// <summary>The cluster's list of submitted jobs (one activation, key 0).</summary>
[Alias("senet.IJobRegistryGrain")]
public interface IJobRegistryGrain : IGrainWithIntegerKey
{
    Task RegisterAsync(JobSummary job);

    Task<IReadOnlyList<JobSummary>> ListAsync();
}
