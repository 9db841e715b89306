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
    public static async Task<EvaluationReport> BuildAsync(JobRecord job, IReadOnlyList<ShardRecord> shards, IOutputStore outputs, CancellationToken cancellationToken)
    {
        var spec = job.Spec!;
        var labels = await LabelManifest.ReadAsync(outputs, cancellationToken);
        var failures = await ReadFailuresAsync(job, shards, outputs, cancellationToken);
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
