namespace SENet.Contracts.Jobs;

/// <summary>
/// The events from a sequence number on. <paramref name="Epoch"/> names the coordinator's activation: the log is kept in
/// memory, so a coordinator that moved starts a new one, and a watcher asks it from 0. <paramref name="Missed"/> counts
/// events asked for but no longer kept (the log keeps the latest ones); the report lists every failed image.
/// </summary>
[GenerateSerializer, Immutable, Alias("senet.JobEvents")]
public sealed record JobEvents(
    [property: Id(0)] string Epoch,
    [property: Id(1)] long Next,
    [property: Id(2)] IReadOnlyList<JobEvent> Events,
    [property: Id(3)] long Missed);
