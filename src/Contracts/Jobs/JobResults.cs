namespace SENet.Contracts.Jobs;

/// <summary>
/// The final (or, for a cancelled job, partial) report: report.json and results.csv contents, and where the files are.
/// A job of several models or views has one <see cref="Evaluations"/> entry each; its <see cref="ReportJson"/> is the
/// first evaluation's and its <see cref="ResultsCsv"/> the combined OUT/results.csv, a row per model × view.
/// </summary>
[GenerateSerializer, Immutable, Alias("senet.JobResults")]
public sealed record JobResults(
    [property: Id(0)] JobState State,
    [property: Id(1)] string ReportJson,
    [property: Id(2)] string ResultsCsv,
    [property: Id(3)] string OutputFolder)
{
    /// <summary>Each model × view's report, in <see cref="JobEvaluations.Of"/> order; empty for a job of one evaluation.</summary>
    [Id(4)] public IReadOnlyList<EvaluationResults> Evaluations { get; init; } = [];
}
