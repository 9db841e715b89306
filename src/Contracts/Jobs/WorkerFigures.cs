namespace SENet.Contracts.Jobs;

/// <summary>One worker's share of a job, as the coordinator sees it.</summary>
[GenerateSerializer, Immutable, Alias("senet.WorkerFigures")]
public sealed record WorkerFigures(
    [property: Id(0)] string Worker,
    [property: Id(1)] string Silo,
    [property: Id(2)] string Device,
    [property: Id(3)] long ImagesDone,
    [property: Id(4)] int ShardsCompleted,
    [property: Id(5)] int ShardsHeld,
    [property: Id(6)] double ImagesPerSecond);
