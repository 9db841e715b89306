using System.Text.Json;
using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Datasets;

/// <summary>
/// A shard's images and labels, stored as a file beside the job's outputs so that the coordinator keeps only a
/// table of shards in memory, never the image names.
/// </summary>
public static class ShardManifest
{
    public static string Name(int shardId) => $"manifest/shard-{shardId:D6}.json";

    /// <summary>The class names in the model's output order, written once at planning for the workers' predictions.</summary>
    public const string ClassNamesName = "manifest/classes.json";

    public static Task WriteClassNamesAsync(IOutputStore store, IReadOnlyList<string> classNames, CancellationToken cancellationToken) =>
        store.WriteAsync(ClassNamesName, JsonSerializer.SerializeToUtf8Bytes(classNames), cancellationToken);

    /// <summary>The job's class names; none when the dataset has no names (bare integer labels) or the job planned before names were written.</summary>
    public static async Task<IReadOnlyList<string>> ReadClassNamesAsync(IOutputStore store, CancellationToken cancellationToken) =>
        await TryReadClassNamesAsync(store, cancellationToken) ?? [];

    /// <summary>
    /// The job's class names, waited for while planning has yet to write them (<paramref name="toCome"/>: the label manifest
    /// says so while the class folders are still being listed), until <paramref name="cancellationToken"/> gives up.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ReadClassNamesAsync(IOutputStore store, bool toCome, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            if (await TryReadClassNamesAsync(store, cancellationToken) is { } names)
            {
                return names;
            }

            if (!toCome)
            {
                return [];
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    private static async Task<IReadOnlyList<string>?> TryReadClassNamesAsync(IOutputStore store, CancellationToken cancellationToken)
    {
        try
        {
            return JsonSerializer.Deserialize<List<string>>(await store.ReadAsync(ClassNamesName, cancellationToken)) ?? [];
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or Azure.RequestFailedException { Status: 404 })
        {
            return null;
        }
    }

    /// <summary>Cuts the plan's images into shards of <paramref name="shardSize"/> and writes one manifest each; returns the image count of each shard.</summary>
    public static async Task<IReadOnlyList<int>> WriteAsync(IOutputStore store, IReadOnlyList<LabelledImage> images, int shardSize, CancellationToken cancellationToken,
        Reproducibility.ManifestDigest? digest = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardSize, 1);
        var sizes = new List<int>();
        for (int start = 0, shard = 0; start < images.Count; start += shardSize, shard++)
        {
            sizes.Add(await WriteShardAsync(store, shard, images.Skip(start).Take(shardSize), cancellationToken, digest));
        }

        return sizes;
    }

    /// <summary>Writes one shard's manifest (shards in order, each added to <paramref name="digest"/>); returns its image count.</summary>
    public static async Task<int> WriteShardAsync(IOutputStore store, int shardId, IEnumerable<LabelledImage> images, CancellationToken cancellationToken,
        Reproducibility.ManifestDigest? digest = null)
    {
        var list = images as IReadOnlyList<LabelledImage> ?? images.ToList();
        digest?.Add(list);
        // A third field carries the image's label set (ImageNet-ReaL), space-separated ("" when empty); rows without one have two.
        var rows = list.Select(i => i.RealLabels is { } set
            ? new[] { i.Path, i.Label.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Join(' ', set.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture))) }
            : new[] { i.Path, i.Label.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToList();
        await store.WriteAsync(Name(shardId), JsonSerializer.SerializeToUtf8Bytes(rows), cancellationToken);
        return rows.Count;
    }

    public static async Task<IReadOnlyList<LabelledImage>> ReadAsync(IOutputStore store, int shardId, CancellationToken cancellationToken)
    {
        var rows = JsonSerializer.Deserialize<List<string[]>>(await store.ReadAsync(Name(shardId), cancellationToken))
            ?? throw new InvalidDataException($"Shard manifest {Name(shardId)} under {store.Display} is empty.");
        return rows.Select(r => new LabelledImage(r[0], int.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture),
            r.Length > 2 ? r[2].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(l => int.Parse(l, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : null)).ToList();
    }
}
