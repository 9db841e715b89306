namespace SENet.Contracts.Jobs;

/// <summary>The final (or, for a cancelled job, partial) report: report.json and results.csv contents, and where the files are.</summary>
[GenerateSerializer, Immutable, Alias("senet.JobResults")]
public sealed record JobResults(
    [property: Id(0)] JobState State,
    [property: Id(1)] string ReportJson,
    [property: Id(2)] string ResultsCsv,
    [property: Id(3)] string OutputFolder);
