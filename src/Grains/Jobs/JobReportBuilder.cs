using SENet.Contracts.Jobs;
using System.Text.Json;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Storage;

namespace SENet.Grains.Jobs;

/// <summary>
/// A cluster job's report from its stored state: the merged counts through <see cref="EvaluationReport.Create"/> (as the
/// engine's local evaluator makes its own), the failures from planning and quarantine plus every merged shard's failures
/// part, the shards' timings as the throughput chart, the label conventions the coordinator planned (the view, class
/// folders, class subset, ImageNet-ReaL counts, from manifest/labels.json) and the notes on workers that could not work.
/// </summary>
public static class JobReportBuilder
{
    /// <summary>The report of <paramref name="job"/> as it stands (running, ended or cancelled), its failures read from <paramref name="outputs"/>.</summary>
    public static Task<EvaluationReport> BuildAsync(JobRecord job, IReadOnlyList<ShardRecord> shards, IOutputStore outputs, CancellationToken cancellationToken) =>
        BuildAsync(job, shards, outputs, outputs, cancellationToken);

    /// <summary>
    /// The report of one model × view of a job of several: that evaluation's counts, model and view, the failures of its
    /// folder's parts (plus planning's and the quarantine's, every evaluation's), as the single-model job would report it.
    /// </summary>
    public static Task<EvaluationReport> BuildAsync(JobRecord job, IReadOnlyList<ShardRecord> shards, IOutputStore outputs, JobEvaluation evaluation, CancellationToken cancellationToken) =>
        job.Evaluations.Count == 0
            ? BuildAsync(job, shards, outputs, cancellationToken)
            : BuildAsync(job.ForEvaluation(evaluation), shards, outputs, OutputStores.Under(outputs, evaluation.Folder), cancellationToken);

    /// <summary>Every evaluation's report, in <see cref="JobEvaluations.Of"/> order; a job of one evaluation has one.</summary>
    public static async Task<IReadOnlyList<(JobEvaluation Evaluation, EvaluationReport Report)>> BuildAllAsync(JobRecord job, IReadOnlyList<ShardRecord> shards, IOutputStore outputs, CancellationToken cancellationToken)
    {
        var reports = new List<(JobEvaluation, EvaluationReport)>();
        foreach (var evaluation in JobEvaluations.Of(job.Spec!))
        {
            reports.Add((evaluation, await BuildAsync(job, shards, outputs, evaluation, cancellationToken)));
        }

        return reports;
    }

    /// <summary>The combined OUT/results.csv of a job of several evaluations: the results.csv header and ",view", then each evaluation's row and view.</summary>
    public static string CombinedResultsCsv(IReadOnlyList<(JobEvaluation Evaluation, EvaluationReport Report)> reports)
    {
        var rows = new System.Text.StringBuilder(ReportWriter.ResultsCsvHeader + ",view\n");
        foreach (var (evaluation, report) in reports)
        {
            rows.Append(ReportWriter.ToResultsCsv(report).Split('\n')[1]).Append(',').Append(evaluation.View.ToString()).Append('\n');
        }

        return rows.ToString();
    }

    private static async Task<EvaluationReport> BuildAsync(JobRecord job, IReadOnlyList<ShardRecord> shards, IOutputStore outputs, IOutputStore parts, CancellationToken cancellationToken)
    {
        var spec = job.Spec!;
        var labels = await LabelManifest.ReadAsync(outputs, cancellationToken);
        var failures = await ReadFailuresAsync(job, shards, parts, cancellationToken);
        var duration = (job.FinishedUtc ?? DateTime.UtcNow) - job.StartedUtc;
        // Workers are tallied when they join; the report names the devices that scored shards, each with its silo (two
        // silos' cpu:0 are two devices).
        var devices = job.Workers.Where(w => w.Value.Shards > 0).Select(w => ReportCharts.SiloAndDevice(w.Key, w.Value.Device)).Distinct().Order(StringComparer.Ordinal).ToList();
        var reproducibility = JobReproducibility.Build(job);
        return EvaluationReport.Create(job.Counts!, job.ModelName, StorageLocation.Redact(spec.DataPath), devices.Count == 0 ? "none" : $"cluster: {string.Join(", ", devices)}",
            job.ClassNames, failures, duration, spec.EffectiveConfidenceLevel(),
            new ModelOutputs(job.Outputs == "probabilities" ? OutputKind.Probabilities : OutputKind.Logits, job.OutputsSource)) with
        {
            State = job.State.ToString().ToLowerInvariant(),
            ImagesTotal = job.TotalImages,
            ParameterCount = job.ModelParameters,
            MultiplyAccumulates = job.ModelMultiplyAccumulates,
            ImageSize = job.CropSize,
            // A view's CROP_PCT (224@0.95) wins over --crop-pct, as the workers preprocessed.
            CropPct = spec.ToPreprocessSpec(job.CropSize).CropPct,
            Interpolation = JobSpecRules.Interpolations.NameOf(spec.Interpolation),
            View = spec.View.ToString(),
            Labels = LabelConventionsReport.From(job.Counts!, labels?.FolderLayout, spec.ClassSubsetFile is { } subset ? StorageLocation.Redact(subset) : null,
                labels?.Subset(job.Counts!.Classes), spec.RealLabelsFile is { } real ? StorageLocation.Redact(real) : null),
            Timeline = [.. shards.Where(s => s.Timing is not null).Select(s => s.Timing!).OrderBy(t => t.EndSeconds)],
            Reproducibility = reproducibility,
            Notes = [.. job.ModelNote is { } modelNote ? [modelNote] : Array.Empty<string>(), .. labels?.Note is { } labelNote ? [labelNote] : Array.Empty<string>(), .. reproducibility.PilExactNote is { } decoding ? [decoding] : Array.Empty<string>(), .. job.Workers.Where(w => w.Value.Stopped)
                .Select(w => $"Worker {w.Key} did not work: {w.Value.LastError}").Order(StringComparer.Ordinal)],
        };
    }

    /// <summary>What planning and the quarantine found, then every merged shard's failures, each read from the part of the lease that was merged.</summary>
    public static async Task<List<ImageFailure>> ReadFailuresAsync(JobRecord job, IReadOnlyList<ShardRecord> shards, IOutputStore outputs, CancellationToken cancellationToken)
    {
        var failures = job.Failures.ToList();
        foreach (var shard in shards.Where(s => s is { Merged: true, Failures: > 0, MergedLease: not null }))
        {
            var part = await outputs.ReadAsync(JobOutputNames.FailuresPart(shard.Id, shard.MergedLease!.Value), cancellationToken);
            failures.AddRange(JsonSerializer.Deserialize<List<ImageFailure>>(part)
                ?? throw new InvalidDataException($"The failures part of shard {shard.Id} under {outputs.Display} is empty."));
        }

        return failures;
    }
}
