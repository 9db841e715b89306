using System.Text.Json;

namespace SENet.Evaluation.Datasets;

/// <summary>
/// A shard's images and labels, stored as a file beside the job's outputs so that the coordinator keeps only a
/// table of shards in memory, never the image names.
/// </summary>
public static class ShardManifest
{
    public static string FileName(int shardId) => $"shard-{shardId:D6}.json";

    /// <summary>Cuts the plan's images into shards of <paramref name="shardSize"/> and writes one manifest each; returns the image count of each shard.</summary>
    public static async Task<IReadOnlyList<int>> WriteAsync(string folder, IReadOnlyList<LabelledImage> images, int shardSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardSize, 1);
        Directory.CreateDirectory(folder);
        var sizes = new List<int>();
        for (int start = 0, shard = 0; start < images.Count; start += shardSize, shard++)
        {
            var slice = images.Skip(start).Take(shardSize).Select(i => new[] { i.Path, i.Label.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToList();
            await using var stream = File.Create(Path.Combine(folder, FileName(shard)));
            await JsonSerializer.SerializeAsync(stream, slice, cancellationToken: cancellationToken);
            sizes.Add(slice.Count);
        }

        return sizes;
    }

    public static async Task<IReadOnlyList<LabelledImage>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var rows = await JsonSerializer.DeserializeAsync<List<string[]>>(stream, cancellationToken: cancellationToken)
            ?? throw new InvalidDataException($"Shard manifest '{path}' is empty.");
        return rows.Select(r => new LabelledImage(r[0], int.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }
}
