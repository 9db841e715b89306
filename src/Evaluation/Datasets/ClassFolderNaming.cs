namespace SENet.Evaluation.Datasets;

/// <summary>What an ImageFolder dataset's class folders are named by, which decides how they map to model outputs.</summary>
public enum ClassFolderNaming
{
    /// <summary>Any names, sorted ordinally into indices (torchvision's ImageFolder); needs as many folders as model outputs.</summary>
    Names,

    /// <summary>WordNet ids (ImageNet train/val, ImageNet-Sketch, ImageNet-A, ImageNet-R): sorted, or placed by ImageNet-1k index.</summary>
    WordNetIds,

    /// <summary>Model output indices (ImageNet-V2: folders 0 to 999), read as numbers, never sorted as text.</summary>
    ClassIndices,
}
