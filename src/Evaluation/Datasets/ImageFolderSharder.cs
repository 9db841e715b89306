using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Datasets;

/// <summary>
/// Plans an ImageFolder dataset while streaming its listing: the class folders first (a short list), then the
/// files page by page, each run of <c>shardSize</c> images written to its manifest at once. Memory holds one shard,
/// never the dataset's names, so a million-blob dataset plans like a thousand-blob one.
/// </summary>
public static class ImageFolderSharder
{
    public static async Task<ShardedDataset> PlanAsync(IDatasetSource source, DatasetSpec spec, int modelClasses, IOutputStore store, int shardSize, CancellationToken cancellationToken,
        Reproducibility.ManifestDigest? digest = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardSize, 1);
        var classes = new List<string>();
        await foreach (var folder in source.ListFoldersAsync(cancellationToken))
        {
            classes.Add(folder);
        }

        if (classes.Count == 0)
        {
            throw new DatasetException($"No class folders found in '{source.Description}'. An ImageFolder dataset has one sub-folder of images per class.");
        }

        var order = await DatasetPlanner.ModelOrderAsync(source, spec, classes, modelClasses, cancellationToken);
        var index = classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => order?.DatasetToModel[p.i] ?? p.i, StringComparer.Ordinal);
        var sizes = new List<int>();
        var shard = new List<LabelledImage>(shardSize);
        var ignored = 0;
        await foreach (var file in source.ListFilesAsync("", cancellationToken))
        {
            var slash = file.IndexOf('/');
            if (slash < 0 || !ImageFiles.IsImage(file) || !index.TryGetValue(file[..slash], out var label))
            {
                ignored++;
                continue;
            }

            shard.Add(new LabelledImage(file, label));
            if (shard.Count == shardSize)
            {
                sizes.Add(await ShardManifest.WriteShardAsync(store, sizes.Count, shard, cancellationToken, digest));
                shard.Clear();
            }
        }

        if (shard.Count > 0)
        {
            sizes.Add(await ShardManifest.WriteShardAsync(store, sizes.Count, shard, cancellationToken, digest));
        }

        if (sizes.Count == 0)
        {
            throw new DatasetException($"No images found in '{source.Description}' (image files end in {string.Join(", ", ImageFiles.Extensions)}).");
        }

        // Names in the model's output order, as the labels are.
        return new ShardedDataset(sizes, order?.ModelClassNames ?? classes, ignored);
    }
}
