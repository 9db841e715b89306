namespace SENet.Contracts.Jobs;

/// <summary>A submitted job as <c>senet jobs</c> lists it.</summary>
[GenerateSerializer, Immutable, Alias("senet.JobSummary")]
public sealed record JobSummary(
    [property: Id(0)] string JobId,
    [property: Id(1)] string? Name,
    [property: Id(2)] string ModelPath,
    [property: Id(3)] string DataPath,
    [property: Id(4)] DateTime SubmittedUtc);
