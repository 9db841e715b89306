namespace SENet.Contracts.Jobs;

/// <summary>The right to evaluate one shard until <see cref="DeadlineUtc"/>, renewed by progress.</summary>
/// <param name="Duplicate">A tail duplicate of a shard another worker still holds: the first completion wins.</param>
/// <param name="TraceParent">W3C traceparent of the job's span, so the shard's span joins the job's trace on any silo.</param>
/// <param name="Range">
/// Set for a quarantined shard: the images of its manifest this lease covers. A shard whose holders died twice is
/// bisected, one range at a time, down to the image that kills its holder.
/// </param>
/// <param name="ShardCount">
/// Shards <see cref="ShardId"/> … <see cref="ShardId"/> + <see cref="ShardCount"/> − 1: a --shard-size auto job leases runs
/// of consecutive shards sized to the worker's device, reported together by <c>CompleteRunAsync</c> with one result per shard.
/// </param>
[GenerateSerializer, Immutable, Alias("senet.ShardLease")]
public sealed record ShardLease(
    [property: Id(0)] string JobId,
    [property: Id(1)] int ShardId,
    [property: Id(2)] Guid LeaseId,
    [property: Id(4)] DateTime DeadlineUtc,
    [property: Id(5)] int Attempt,
    [property: Id(6)] bool Duplicate,
    [property: Id(7)] string? TraceParent = null,
    [property: Id(8)] ImageRange? Range = null,
    [property: Id(9)] int ShardCount = 1);
