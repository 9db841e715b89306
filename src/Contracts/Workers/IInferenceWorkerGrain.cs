namespace SENet.Contracts.Workers;

/// <summary>
/// The worker of one device of one silo (key: <see cref="WorkerKey"/>), placed on that silo. It pulls shard
/// leases from a job's coordinator and runs them on its device, off the grain scheduler.
/// </summary>
[Alias("senet.IInferenceWorkerGrain")]
public interface IInferenceWorkerGrain : IGrainWithStringKey
{
    /// <summary>Starts pulling leases of the job; returns at once.</summary>
    Task StartJobAsync(string jobId);

    Task StopJobAsync(string jobId);

    Task<WorkerStatus> GetStatusAsync();
}
