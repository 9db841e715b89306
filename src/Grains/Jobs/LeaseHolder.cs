using SENet.Contracts.Jobs;

namespace SENet.Grains.Jobs;

/// <summary>
/// An in-flight lease as the job's stored state keeps it: which worker (and so which silo) holds which shard. A
/// coordinator reactivated from stored state adopts these, so a holder silo that died meanwhile is still counted against
/// its shard (the poison-shard quarantine depends on every death being counted).
/// </summary>
[GenerateSerializer, Immutable, Alias("senet.LeaseHolder")]
public sealed record LeaseHolder(
    [property: Id(0)] Guid LeaseId,
    [property: Id(1)] int ShardId,
    [property: Id(2)] string Worker,
    [property: Id(3)] bool Duplicate,
    [property: Id(4)] ImageRange? Range,
    [property: Id(5)] int ShardCount = 1);
