namespace SENet.Contracts.Jobs;

/// <summary>One model × view's report of a job that has several: report.json and results.csv under <see cref="Folder"/> of the job's output folder.</summary>
[GenerateSerializer, Immutable, Alias("senet.EvaluationResults")]
public sealed record EvaluationResults(
    [property: Id(0)] string Model,
    [property: Id(1)] string View,
    [property: Id(2)] string Folder,
    [property: Id(3)] string ReportJson,
    [property: Id(4)] string ResultsCsv);
