namespace SENet.Contracts.Jobs;

/// <summary>A lease, or none: then <see cref="JobOver"/> says whether to stop or to ask again shortly.</summary>
/// <param name="Merged">For <see cref="IEvaluationJobGrain.CompleteAndLeaseAsync"/>: whether the completion it carried counted (false: a repeat, or the job is over).</param>
[GenerateSerializer, Immutable, Alias("senet.LeaseResponse")]
public sealed record LeaseResponse([property: Id(0)] ShardLease? Lease, [property: Id(1)] bool JobOver, [property: Id(2)] bool Merged = false);
