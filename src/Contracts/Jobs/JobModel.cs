namespace SENet.Contracts.Jobs;

/// <summary>One model of a job that scores several in one pass: its name (its outputs' folder, OUT/&lt;name&gt;/) and its file as every silo sees it.</summary>
[GenerateSerializer, Immutable, Alias("senet.JobModel")]
public sealed record JobModel(
    [property: Id(0)] string Name,
    [property: Id(1)] string Path);
