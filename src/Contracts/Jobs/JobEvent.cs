namespace SENet.Contracts.Jobs;

/// <summary>Something a person watching a job wants to see as it happens: a failed image or a worker that stopped.</summary>
[GenerateSerializer, Immutable, Alias("senet.JobEvent")]
public sealed record JobEvent(
    [property: Id(0)] long Sequence,
    [property: Id(1)] JobEventKind Kind,
    [property: Id(2)] string Subject,
    [property: Id(3)] string Reason,
    [property: Id(4)] string? Worker);
