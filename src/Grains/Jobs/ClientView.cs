using SENet.Contracts.Jobs;
using SENet.Evaluation.Storage;

namespace SENet.Grains.Jobs;

/// <summary>What a client may see of a job: its spec with every location's query string (a SAS) replaced.</summary>
public static class ClientView
{
    public static JobSpec Redacted(JobSpec spec) => spec with
    {
        ModelPath = Location(spec.ModelPath),
        Models = [.. (spec.Models ?? []).Select(m => m with { Path = Location(m.Path) })],
        DataPath = Location(spec.DataPath),
        LabelsFile = Optional(spec.LabelsFile),
        ClassListFile = Optional(spec.ClassListFile),
        ModelClassesFile = Optional(spec.ModelClassesFile),
        OutputFolder = Optional(spec.OutputFolder),
        RealLabelsFile = Optional(spec.RealLabelsFile),
        ClassSubsetFile = Optional(spec.ClassSubsetFile),
    };

    /// <summary>A blob location without its query string; a local path as it is (a '?' there is part of a name, not a secret).</summary>
    public static string Location(string location) => StorageLocation.LooksLikeBlob(location) ? StorageLocation.Redact(location) : location;

    private static string? Optional(string? location) => location is null ? null : Location(location);
}
