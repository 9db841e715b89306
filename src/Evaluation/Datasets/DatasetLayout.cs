namespace SENet.Evaluation.Datasets;

public enum DatasetLayout
{
    /// <summary>Flat when a labels file is given, ImageFolder otherwise.</summary>
    Auto,

    /// <summary>One sub-folder per class, classes sorted ordinally into indices (torchvision's ImageFolder).</summary>
    ImageFolder,

    /// <summary>Images in one folder, labels from a file.</summary>
    Flat,
}
