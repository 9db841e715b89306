namespace SENet.Contracts.Jobs;

/// <summary>
/// The coordinator of one job (key: the job id): validates and shards the dataset, leases shards to workers,
/// merges each shard's counts exactly once, and writes the report.
/// </summary>
[Alias("senet.IEvaluationJobGrain")]
public interface IEvaluationJobGrain : IGrainWithStringKey
{
    /// <summary>
    /// Validates the spec cheaply (model, labels, class folders, the listing's first page, the output location), starts
    /// the workers and answers at once in <see cref="JobState.Planning"/>: the listing is planned into shards in the
    /// background, each leasable as soon as it is planned. Idempotent for the same spec.
    /// </summary>
    [ResponseTimeout("00:10:00")]
    Task<JobStatus> StartAsync(JobSpec spec);

    /// <summary>The job's figures; interleaves with everything (costs O(workers), never waits behind a durable write).</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<JobStatus> GetStatusAsync();

    /// <summary>
    /// Failed images and stopped workers from <paramref name="from"/> on, as they were merged (at most a page per call;
    /// ask again from <see cref="JobEvents.Next"/>). Interleaves, as status does.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<JobEvents> GetEventsAsync(long from);

    /// <summary>The job's spec as clients may see it: every location without its query string (no SAS).</summary>
    Task<JobSpec?> GetSpecAsync();

    /// <summary>The spec as submitted, secrets included, for the workers that must open its locations; silos only.</summary>
    [Security.SiloOnly]
    Task<JobSpec?> GetWorkSpecAsync();

    /// <summary>
    /// The next shard (or range, or tail duplicate) for <paramref name="worker"/>, answered once its holder is stored.
    /// Interleaves, so that leases and completions arriving together share one durable write (group commit).
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<LeaseResponse> LeaseAsync(string worker);

    /// <summary>Extends a lease; false when it is no longer valid (expired and re-leased, shard done, job over).</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<bool> RenewAsync(ShardLease lease, long imagesDone);

    /// <summary>
    /// Merges a shard's result unless that shard was already merged; true when it counted, answered only once the merge
    /// is durable (a true survives a coordinator failover and is never counted twice). Interleaves: completions that
    /// arrive during a write are committed together by the next one.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<bool> CompleteAsync(ShardLease lease, ShardResult result);

    /// <summary>
    /// <see cref="CompleteAsync"/> and then <see cref="LeaseAsync"/> for <paramref name="worker"/>, in one call answered by
    /// one durable write: a worker's round trip between two shards is one call and one commit rather than two. The answer
    /// is the next lease, with <see cref="LeaseResponse.Merged"/> saying whether the completion counted; it is given only
    /// once the completion is durable. Retried as a whole, the completion is ignored the second time (exactly once by shard).
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<LeaseResponse> CompleteAndLeaseAsync(ShardLease lease, ShardResult result, string worker);

    /// <summary>
    /// The results of a run lease (<see cref="ShardLease.ShardCount"/> shards), one per shard in order: each shard merges
    /// unless it was already merged, exactly as <see cref="CompleteAsync"/> merges one; true when any counted. Answered once durable.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<bool> CompleteRunAsync(ShardLease lease, IReadOnlyList<ShardResult> results);

    /// <summary>Gives a lease back at once (the worker could not run it), with the reason, so another worker takes the shard.</summary>
    Task ReleaseAsync(ShardLease lease, string reason);

    /// <summary>A worker gives up on the job (e.g. its device cannot load the model); the job fails when no worker is left.</summary>
    Task WorkerStoppedAsync(string worker, string reason);

    /// <summary>Cancels the job, also while <see cref="StartAsync"/> is still loading the model, or while the dataset is planned (the listing stops).</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<JobStatus> CancelAsync();

    /// <summary>The report once the job is over (its output location without query string); null while it runs.</summary>
    Task<JobResults?> GetResultsAsync();
}
