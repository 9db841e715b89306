using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Datasets;

/// <summary>
/// Plans an ImageFolder dataset while streaming its listing: the class folders first (a short list; or alongside, see
/// <see cref="StreamedClassFolders"/>), then the files page by page, each run of <c>shardSize</c> images written to its
/// manifest at once. Memory holds one shard, never the dataset's names, so a million-blob dataset plans like a
/// thousand-blob one. Images are labelled by
/// <see cref="ImageFolderClasses"/>, the rule <see cref="DatasetPlanner"/> follows too.
/// </summary>
public static class ImageFolderSharder
{
    public static async Task<ShardedDataset> PlanAsync(IDatasetSource source, DatasetSpec spec, int modelClasses, IOutputStore store, int shardSize, CancellationToken cancellationToken,
        Reproducibility.ManifestDigest? digest = null) =>
        await PlanAsync(await ImageFolderClasses.OpenAsync(source, spec, modelClasses, cancellationToken), source, store, shardSize, cancellationToken, digest);

    /// <summary>
    /// Streams the listing into shard manifests, telling <paramref name="planned"/> of each as soon as it is written.
    /// The first <paramref name="written"/> shards' manifests exist already (planning restarted after its coordinator
    /// died): they are listed, digested and reported again, but not rewritten under a worker that may be reading them.
    /// </summary>
    public static async Task<ShardedDataset> PlanAsync(IImageFolderLabeller labeller, IDatasetSource source, IOutputStore store, int shardSize, CancellationToken cancellationToken,
        Reproducibility.ManifestDigest? digest = null, Func<PlannedShard, ValueTask>? planned = null, int written = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardSize, 1);
        var listed = 0L;
        var sizes = new List<int>();
        var shard = new List<LabelledImage>(shardSize);
        var ignored = 0;

        async Task WriteAsync()
        {
            var id = sizes.Count;
            var images = id < written ? Digested(shard, digest) : await ShardManifest.WriteShardAsync(store, id, shard, cancellationToken, digest);
            sizes.Add(images);
            if (planned is not null)
            {
                await planned(new PlannedShard(id, images, shard[^1].Path));
            }

            shard.Clear();
        }

        await foreach (var file in source.ListFilesAsync("", cancellationToken))
        {
            if (await labeller.LabelAsync(file, cancellationToken) is not { } image)
            {
                ignored++;
                continue;
            }

            listed += image.RealLabels is null ? 0 : 1;
            shard.Add(image);
            if (shard.Count == shardSize)
            {
                await WriteAsync();
            }
        }

        if (shard.Count > 0)
        {
            await WriteAsync();
        }

        var classes = await labeller.ClassesAsync(cancellationToken);
        classes.CheckFound(sizes.Count, listed);

        // Names in the model's output order, as the labels are.
        return new ShardedDataset(sizes, classes.ClassNames, ignored)
        {
            Subset = classes.Subset,
            FolderLayout = classes.Folders.Description,
            Note = classes.Note,
        };
    }

    private static int Digested(List<LabelledImage> shard, Reproducibility.ManifestDigest? digest)
    {
        digest?.Add(shard);
        return shard.Count;
    }
}
