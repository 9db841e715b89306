namespace SENet.Contracts.Workers;

/// <summary>Where a worker activation actually runs and what it is doing.</summary>
[GenerateSerializer, Immutable, Alias("senet.WorkerStatus")]
public sealed record WorkerStatus(
    [property: Id(0)] string Worker,
    [property: Id(1)] string HostSilo,
    [property: Id(2)] string Device,
    [property: Id(3)] IReadOnlyList<string> ActiveJobs);
