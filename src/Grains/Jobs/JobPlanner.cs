using Microsoft.Extensions.Logging;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Reproducibility;
using SENet.Evaluation.Storage;

namespace SENet.Grains.Jobs;

/// <summary>
/// A job's dataset, from submit to shard manifests, without Orleans. <see cref="CheckAsync"/> is what submit waits for:
/// cheap (the class folders, unless the files name them as they stream, or the labels file; and the listing's first
/// page). <see cref="RunAsync"/> is the rest: the whole listing, streamed into shard manifests, each handed on as soon
/// as it is written; the coordinator runs it on the thread pool and applies what it hands on in its own turns, so no
/// grain call ever waits on a listing.
/// An ImageFolder dataset streams (memory holds one shard); a labels-file dataset is matched whole against its listing
/// (every image must be checked against every label), then written out shard by shard.
/// </summary>
public sealed class JobPlanner(IDatasetSource source, DatasetSpec dataset, JobSpec spec, int modelClasses, IOutputStore outputs, StorageOptions storage, ILogger logger)
{
    /// <summary>How many listed entries submit looks at for an image before it leaves the rest to planning.</summary>
    public const int FirstPage = 1000;

    /// <summary>
    /// The class folders <see cref="CheckAsync"/> read, for <see cref="RunAsync"/> to plan with rather than list them
    /// again: a class-folder listing walks every blob under the dataset on some stores (Azurite: ~6 s for 100,000 blobs),
    /// all of it before the first shard. Taken once; a later run (a restart) lists them afresh.
    /// </summary>
    private ImageFolderClasses? _checkedClasses;

    /// <summary>The label sets <see cref="CheckAsync"/> read for a streamed ImageFolder, for <see cref="RunAsync"/> to use rather than read them again. Taken once.</summary>
    private Task<RealLabels?>? _checkedReal;

    /// <summary>
    /// Refuses, before any work, a dataset whose classes cannot match the model's (where the class folders are listed
    /// first), whose labels file does not parse, or whose listing cannot be read or holds no image in its first page of a
    /// listing that ends there. Returns the class names when they are known now (an ImageFolder's, from its folders).
    /// </summary>
    public async Task<IReadOnlyList<string>?> CheckAsync(CancellationToken cancellationToken)
    {
        if (StreamsClassFolders)
        {
            // The class folders are known once planning has listed them (every folder with a file is one); the label sets
            // parse now, and the first page holds an image in a folder.
            var real = await LabelConventions.LoadRealAsync(source, dataset, modelClasses, cancellationToken);
            if (!await FirstPageHasAsync(file => file.Contains('/') && ImageFiles.IsImage(file), cancellationToken))
            {
                throw ImageFolderClasses.NoImages(source.Description);
            }

            _checkedReal = Task.FromResult(real);
            return null;
        }

        if (spec.LabelsFile is null)
        {
            var classes = await ImageFolderClasses.OpenAsync(source, dataset, modelClasses, cancellationToken);
            if (!await FirstPageHasAsync(file => classes.Label(file) is not null, cancellationToken))
            {
                throw ImageFolderClasses.NoImages(source.Description);
            }

            _checkedClasses = classes;
            return classes.ClassNames;
        }

        await DatasetPlanner.CheckLabelsAsync(source, dataset, modelClasses, cancellationToken);
        if (!await FirstPageHasAsync(ImageFiles.IsImage, cancellationToken))
        {
            throw new DatasetException($"No images found in '{source.Description}' (image files end in {string.Join(", ", ImageFiles.Extensions)}). Check the folder and the labels file.");
        }

        return null;
    }

    /// <summary>
    /// Plans every shard, telling <paramref name="planned"/> of each once its manifest is written, in id order. The first
    /// <paramref name="written"/> shards were planned by a coordinator that died: they are listed again (the digest covers
    /// them) but their manifests, which workers may be reading, are not rewritten.
    /// </summary>
    public async Task<PlanOutcome> RunAsync(int written, Func<PlannedShard, ValueTask> planned, CancellationToken cancellationToken)
    {
        using var digest = new ManifestDigest();
        if (StreamsClassFolders)
        {
            return await RunStreamedAsync(written, planned, digest, cancellationToken);
        }

        if (spec.LabelsFile is null)
        {
            var classes = Interlocked.Exchange(ref _checkedClasses, null) ?? await ImageFolderClasses.OpenAsync(source, dataset, modelClasses, cancellationToken);
            if (written == 0)
            {
                await WriteLabelFilesAsync(LabelManifest.From(classes.Subset, spec.RealLabelsFile is not null, classes.Folders.Description, classes.Note), classes.ClassNames, cancellationToken);
            }

            await ImageFolderSharder.PlanAsync(classes, source, outputs, spec.ShardSize, cancellationToken, digest, planned, written);
            return new PlanOutcome(classes.ClassNames, [], digest.Finish(), digest.Images, null);
        }

        // A labels file must be read whole to match names to labels; the plan is dropped once its manifests are written.
        var plan = await DatasetPlanner.PlanAsync(source, dataset, modelClasses, cancellationToken);
        var labelsSha256 = await LabelsDigestAsync(spec.LabelsFile, cancellationToken);
        if (written == 0)
        {
            await WriteLabelFilesAsync(LabelManifest.From(plan.Subset, spec.RealLabelsFile is not null, plan.FolderLayout, plan.Note), plan.ClassNames, cancellationToken);
        }

        var images = plan.Images;
        for (var (id, start) = (0, 0); start < images.Count; id++, start += spec.ShardSize)
        {
            var shard = new List<LabelledImage>(Math.Min(spec.ShardSize, images.Count - start));
            for (var i = start; i < Math.Min(start + spec.ShardSize, images.Count); i++)
            {
                shard.Add(images[i]);
            }

            if (id < written)
            {
                digest.Add(shard);
            }
            else
            {
                await ShardManifest.WriteShardAsync(outputs, id, shard, cancellationToken, digest);
            }

            await planned(new PlannedShard(id, shard.Count, shard[^1].Path));
        }

        return new PlanOutcome(plan.ClassNames, plan.Issues, digest.Finish(), digest.Images, labelsSha256);
    }

    /// <summary>
    /// An ImageFolder dataset whose folders exist only with files (blob storage): its files are labelled as they stream
    /// while the class folders are listed alongside (<see cref="StreamedClassFolders"/>), so the first shard need not wait
    /// for a folder listing that may walk every blob. The label manifest is written first, as workers read it before
    /// they score; the class names, which workers need only to write their predictions (and wait for), once the folder
    /// list confirms the labels, by every run, since a coordinator that died may not have written them.
    /// </summary>
    private async Task<PlanOutcome> RunStreamedAsync(int written, Func<PlannedShard, ValueTask> planned, ManifestDigest digest, CancellationToken cancellationToken)
    {
        var real = await (Interlocked.Exchange(ref _checkedReal, null) ?? LabelConventions.LoadRealAsync(source, dataset, modelClasses, cancellationToken));
        if (written == 0)
        {
            await (LabelManifest.From(null, real is not null, null, null) with { ClassNamesToCome = true }).WriteAsync(outputs, cancellationToken);
        }

        using var listing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var streamed = new StreamedClassFolders(modelClasses, real, () => ImageFolderClasses.OpenAsync(source, dataset, modelClasses, listing.Token, real), (classes, token) =>
            WriteLabelFilesAsync(LabelManifest.From(classes.Subset, real is not null, classes.Folders.Description, classes.Note), classes.ClassNames, token));
        try
        {
            await ImageFolderSharder.PlanAsync(streamed, source, outputs, spec.ShardSize, cancellationToken, digest, async shard =>
            {
                await planned(shard);
                // Once the first shard is out: a store that answers one listing at a time (Azurite) would hold it back.
                streamed.StartFolderListing();
            }, written);
        }
        catch
        {
            // A file listing that failed first leaves the folder listing nobody waits for: stopped, and its end observed.
            await listing.CancelAsync();
            if (streamed.FolderListing is { } folders)
            {
                await folders.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            throw;
        }

        var confirmed = await streamed.ClassesAsync(cancellationToken);
        logger.LogInformation("Planned {Source}: {Folders} class folders labelled as the listing streamed, then confirmed by the folder list", source.Description, streamed.LabelledAhead);
        return new PlanOutcome(confirmed.ClassNames, [], digest.Finish(), digest.Images, null);
    }

    /// <summary>
    /// Whether the class folders are labelled from the file listing as it streams: an ImageFolder dataset where folders
    /// exist only with files, and no option that maps folders through a list (--model-classes, --class-subset) and so
    /// needs the whole folder list first.
    /// </summary>
    private bool StreamsClassFolders =>
        spec.LabelsFile is null && source.FoldersExistOnlyWithFiles && dataset.ModelClassesFile is null && dataset.ClassSubsetFile is null;

    /// <summary>
    /// Written before the first shard is handed on (or, streamed, once the folder list confirms the labels): a worker
    /// reads the label manifest before it scores a shard and the class names before it writes its predictions.
    /// </summary>
    private async Task WriteLabelFilesAsync(LabelManifest labels, IReadOnlyList<string> classNames, CancellationToken cancellationToken)
    {
        // The workers write names beside the class indices of their predictions. Names first: a worker that reads a label
        // manifest no longer promising them (streamed) must find them.
        await ShardManifest.WriteClassNamesAsync(outputs, classNames, cancellationToken);
        await labels.WriteAsync(outputs, cancellationToken);
    }

    private async Task<bool> FirstPageHasAsync(Func<string, bool> wanted, CancellationToken cancellationToken)
    {
        var seen = 0;
        await foreach (var file in source.ListFilesAsync("", cancellationToken))
        {
            if (wanted(file))
            {
                return true;
            }

            if (++seen == FirstPage)
            {
                // The listing goes on: planning decides whether it holds an image.
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The labels file's digest for the record, read where planning found it (named directly, or inside the dataset);
    /// the file was just read whole and parsed, so a failure now only leaves the digest unrecorded.
    /// </summary>
    private async Task<string?> LabelsDigestAsync(string labels, CancellationToken cancellationToken)
    {
        try
        {
            return Digests.TextSha256(File.Exists(labels) || StorageLocation.LooksLikeBlob(labels)
                ? await StorageLocation.ReadTextAsync(labels, storage, cancellationToken)
                : await source.ReadTextAsync(labels, cancellationToken));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or Azure.RequestFailedException or DatasetException)
        {
            logger.LogWarning("The labels file's digest was not taken ({Reason}); the record leaves it out", e.Message);
            return null;
        }
    }
}
