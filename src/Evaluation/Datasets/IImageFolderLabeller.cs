namespace SENet.Evaluation.Datasets;

/// <summary>How <see cref="ImageFolderSharder"/> labels the files of an ImageFolder listing as they stream.</summary>
public interface IImageFolderLabeller
{
    /// <summary>The labelled image of a listed file (in listing order), or null when the rule ignores the file.</summary>
    ValueTask<LabelledImage?> LabelAsync(string file, CancellationToken cancellationToken);

    /// <summary>The dataset's classes, once the listing has been labelled to its end.</summary>
    ValueTask<ImageFolderClasses> ClassesAsync(CancellationToken cancellationToken);
}
