namespace SENet.Evaluation.Datasets;

/// <summary>How an ImageFolder dataset's class folders map to model outputs.</summary>
/// <param name="Naming">What the folders were recognised as.</param>
/// <param name="ModelIndex">Each folder's model output, keyed by folder name.</param>
/// <param name="ClassNames">A name for every model output, in output order (folders where they exist).</param>
public sealed record ClassFolderMap(ClassFolderNaming Naming, IReadOnlyDictionary<string, int> ModelIndex, IReadOnlyList<string> ClassNames)
{
    /// <summary>What the report says about the layout.</summary>
    public string Description => Naming switch
    {
        ClassFolderNaming.ClassIndices => "class-index folders (ImageNet-V2 layout): folder N holds model output N",
        ClassFolderNaming.WordNetIds => "WordNet-id folders (ImageNet, ImageNet-Sketch, -A, -R layout)",
        _ => "named class folders, sorted (torchvision ImageFolder)",
    };
}
