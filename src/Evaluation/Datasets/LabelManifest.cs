using System.Text.Json;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Datasets;

/// <summary>
/// A job's label conventions as planning resolved them, stored beside the shard manifests: the workers score by it
/// (the class subset's model outputs and mode, whether label sets are counted) and the report states it.
/// </summary>
/// <param name="ClassNamesToCome">
/// Written before the class folders are listed (<see cref="StreamedClassFolders"/>): the class names follow, and a worker
/// waits for them before it writes predictions; the manifest is written again, without it, beside them.
/// </param>
public sealed record LabelManifest(int[]? SubsetClasses, string? SubsetMode, bool LabelSets, string? FolderLayout, string? Note, bool ClassNamesToCome = false)
{
    public const string Name = "manifest/labels.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static LabelManifest From(ClassSubset? subset, bool labelSets, string? folderLayout, string? note) =>
        new(subset?.Classes, subset?.Mode.ToString().ToLowerInvariant(), labelSets, folderLayout, note);

    /// <summary>The subset to score by, over the model's <paramref name="modelClasses"/> outputs.</summary>
    public ClassSubset? Subset(int modelClasses) => SubsetClasses is { Length: > 0 } classes
        ? new ClassSubset(classes, modelClasses, SubsetMode == "argmax" ? ClassSubsetMode.Argmax : ClassSubsetMode.Masked)
        : null;

    public Task WriteAsync(IOutputStore store, CancellationToken cancellationToken) =>
        store.WriteAsync(Name, JsonSerializer.SerializeToUtf8Bytes(this, Json), cancellationToken);

    /// <summary>The job's manifest; none (plain scoring) for a job planned before label conventions existed.</summary>
    public static async Task<LabelManifest?> ReadAsync(IOutputStore store, CancellationToken cancellationToken)
    {
        try
        {
            return JsonSerializer.Deserialize<LabelManifest>(await store.ReadAsync(Name, cancellationToken), Json);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or Azure.RequestFailedException { Status: 404 })
        {
            return null;
        }
    }
}
