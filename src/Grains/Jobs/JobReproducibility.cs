using SENet.Contracts.Jobs;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Reproducibility;

namespace SENet.Grains.Jobs;

/// <summary>The reproducibility record of a job, from its stored state: what it ran, with what, and how it decoded.</summary>
public static class JobReproducibility
{
    public static ReproducibilityRecord Build(JobRecord job)
    {
        var spec = job.Spec!;
        var decoders = job.Decoded
            .Select(p => p.Key.Split(": ", 2) is [var format, var decoder] ? new DecoderUse(format, decoder, p.Value) : new DecoderUse("other", p.Key, p.Value))
            .OrderBy(d => d.Format, StringComparer.Ordinal).ThenBy(d => d.Decoder, StringComparer.Ordinal)
            .ToList();
        var (pilExact, note) = ReproducibilityRecord.JudgeDecoding(decoders);
        return new ReproducibilityRecord
        {
            ModelLocation = WithoutQuery(spec.ModelPath),
            ModelSha256 = job.ModelSha256,
            DatasetLocation = WithoutQuery(spec.DataPath),
            ManifestSha256 = job.ManifestSha256,
            ManifestImages = job.ManifestImages,
            LabelsFile = spec.LabelsFile is { } labels ? WithoutQuery(labels) : null,
            LabelsSha256 = job.LabelsSha256,
            LabelFormat = JobSpecRules.LabelFormats.NameOf(spec.LabelFormat),
            ClassListFile = spec.ClassListFile is { } classes ? WithoutQuery(classes) : null,
            ModelClassesFile = spec.ModelClassesFile is { } modelClasses ? WithoutQuery(modelClasses) : null,
            OnMissing = JobSpecRules.MissingPolicies.NameOf(spec.OnMissing),
            Preprocessing = PreprocessingRecord.From(spec.ToPreprocessSpec(Math.Max(1, job.CropSize))),
            Decoders = decoders,
            PilExact = pilExact,
            PilExactNote = note,
            OnnxRuntimeVersion = ProviderSettings.OnnxRuntimeVersion,
            ExecutionProviders = [.. job.ExecutionProviders.Order(StringComparer.Ordinal)],
            BatchSize = job.BatchSize > 0 ? job.BatchSize : spec.BatchSize,
            RequestedBatchSize = spec.BatchSize,
            Devices = job.Workers.Values.Count(w => w.Shards > 0),
            DevicePolicy = JobSpecRules.DevicePolicies.NameOf(spec.DevicePolicy),
            ShardSize = spec.ShardSize,
            MaxPixels = spec.MaxPixels,
            MaxFileBytes = spec.MaxFileBytes,
            ProjectVersion = BuildInfo.Version,
            Commit = BuildInfo.Commit,
        };
    }

    /// <summary>Locations without their query string: a SAS is never recorded, and a rerun brings its own credentials.</summary>
    private static string WithoutQuery(string location) => location.Split('?')[0];
}
