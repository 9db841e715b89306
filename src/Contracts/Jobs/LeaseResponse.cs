namespace SENet.Contracts.Jobs;

/// <summary>A lease, or none: then <see cref="JobOver"/> says whether to stop or to ask again shortly.</summary>
[GenerateSerializer, Immutable, Alias("senet.LeaseResponse")]
public sealed record LeaseResponse([property: Id(0)] ShardLease? Lease, [property: Id(1)] bool JobOver);
