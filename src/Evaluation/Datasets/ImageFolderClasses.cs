using SENet.Evaluation.Metrics;
using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Datasets;

/// <summary>
/// The one ImageFolder rule, torchvision's: every folder directly under the dataset is a class, whether or not it holds
/// an image (an empty class folder still takes its index, so the others keep theirs); an image is labelled by the class
/// folder it lies under; files outside class folders, and files that are not images, are ignored. The engine's
/// <see cref="DatasetPlanner"/> and the coordinator's streamed <see cref="ImageFolderSharder"/> both label through it,
/// so a local evaluation and a cluster job give every image the same label.
/// </summary>
public sealed class ImageFolderClasses : IImageFolderLabeller
{
    private ImageFolderClasses(string source, ClassFolderMap folders, ClassSubset? subset, RealLabels? real, string? realFile, string? note)
    {
        (Source, Folders, Subset, Real, _realFile, Note) = (source, folders, subset, real, realFile, note);
    }

    private readonly string? _realFile;

    /// <summary>The source's display name, for messages.</summary>
    public string Source { get; }

    /// <summary>How the class folders map to model outputs.</summary>
    public ClassFolderMap Folders { get; }

    /// <summary>The model outputs the dataset covers (--class-subset); null without one.</summary>
    public ClassSubset? Subset { get; }

    /// <summary>Label sets attached to the images (--real-labels); null without them.</summary>
    public RealLabels? Real { get; }

    /// <summary>What the report should say about the label conventions, when anything.</summary>
    public string? Note { get; }

    /// <summary>A name for every model output, in output order.</summary>
    public IReadOnlyList<string> ClassNames => Folders.ClassNames;

    /// <summary>Reads the class folders (a short list) and checks them against the model before any file is listed.</summary>
    /// <param name="real">The label sets when the caller has read them already (--real-labels); read here otherwise.</param>
    public static async Task<ImageFolderClasses> OpenAsync(IDatasetSource source, DatasetSpec spec, int modelClasses, CancellationToken cancellationToken, RealLabels? real = null)
    {
        var classes = new List<string>();
        await foreach (var folder in source.ListFoldersAsync(cancellationToken))
        {
            classes.Add(folder);
        }

        if (classes.Count == 0)
        {
            throw NoImages(source.Description);
        }

        // Class folders are recognised (V2 indices, WordNet ids, names) and mapped to model outputs by that; their names
        // come back in the model's order, as the labels do.
        var folders = await ClassFolders.MapAsync(source, spec, classes, modelClasses, cancellationToken);
        var subset = await LabelConventions.LoadSubsetAsync(source, spec, modelClasses, folders.ClassNames, cancellationToken);
        LabelConventions.CheckCovered(subset, folders.ModelIndex.Values, folders.ClassNames, namesAreFolders: true);
        real ??= await LabelConventions.LoadRealAsync(source, spec, modelClasses, cancellationToken);
        return new ImageFolderClasses(source.Description, folders, subset, real, spec.RealLabelsFile, LabelConventions.UncoveredNote(subset, folders.ModelIndex.Count, modelClasses));
    }

    /// <summary>The labelled image of a listed file, or null when the rule ignores the file.</summary>
    public LabelledImage? Label(string file) =>
        ClassFolderOf(file) is { } folder && ImageFiles.IsImage(file) && Folders.ModelIndex.TryGetValue(folder, out var label) ? Labelled(file, label, Real) : null;

    /// <summary>The class folder a listed file lies under (its first segment); null for a file directly under the root.</summary>
    internal static string? ClassFolderOf(string file) => file.IndexOf('/') is >= 0 and var slash ? file[..slash] : null;

    /// <summary>An image with its label, and its label set where the dataset has them.</summary>
    internal static LabelledImage Labelled(string file, int label, RealLabels? real) =>
        real is null ? new LabelledImage(file, label) : real.Attach(new LabelledImage(file, label));

    public ValueTask<LabelledImage?> LabelAsync(string file, CancellationToken cancellationToken) => ValueTask.FromResult(Label(file));

    public ValueTask<ImageFolderClasses> ClassesAsync(CancellationToken cancellationToken) => ValueTask.FromResult(this);

    /// <summary>Refuses a listing that found no image, or whose images the label sets file does not name.</summary>
    public void CheckFound(long images, long withLabelSets)
    {
        if (images == 0)
        {
            throw NoImages(Source);
        }

        if (Real is not null && withLabelSets == 0)
        {
            throw new DatasetException($"The label sets file '{StorageLocation.Redact(_realFile!)}' lists none of the dataset's images. Pass the label sets of this dataset (real.json lists ImageNet's validation images ILSVRC2012_val_NNNNNNNN).");
        }
    }

    public static DatasetException NoImages(string source) => new(
        $"No images found in '{source}' (ImageFolder layout; image files end in {string.Join(", ", ImageFiles.Extensions)}). An ImageFolder dataset has one sub-folder of images per class.");
}
