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

        // Class folders are recognised (V2 indices, WordNet ids, names) and mapped to model outputs by that, as the
        // planner maps them; their names come back in the model's order.
        var folders = await ClassFolders.MapAsync(source, spec, classes, modelClasses, cancellationToken);
        var index = folders.ModelIndex;
        var subset = await LabelConventions.LoadSubsetAsync(source, spec, modelClasses, folders.ClassNames, cancellationToken);
        LabelConventions.CheckCovered(subset, index.Values, folders.ClassNames, namesAreFolders: true);
        var real = await LabelConventions.LoadRealAsync(source, spec, modelClasses, cancellationToken);
        var listed = 0L;
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

            var image = new LabelledImage(file, label);
            if (real is not null)
            {
                image = real.Attach(image);
                listed += image.RealLabels is null ? 0 : 1;
            }

            shard.Add(image);
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

        if (real is not null && listed == 0)
        {
            throw new DatasetException($"The label sets file '{StorageLocation.Redact(spec.RealLabelsFile!)}' lists none of the dataset's images. Pass the label sets of this dataset (real.json lists ImageNet's validation images ILSVRC2012_val_NNNNNNNN).");
        }

        // Names in the model's output order, as the labels are.
        return new ShardedDataset(sizes, folders.ClassNames, ignored)
        {
            Subset = subset,
            FolderLayout = folders.Description,
            Note = LabelConventions.UncoveredNote(subset, index.Count, modelClasses),
        };
    }
}
