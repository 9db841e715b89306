namespace SENet.Client.Suites;

/// <summary>
/// The layout a suite entry declares for its dataset, checked before any work; the coordinator recognises layouts on
/// its own, so declaring one only turns a wrong folder (ImageNet-V2 copied as Sketch) into a refusal naming the entry.
/// </summary>
public enum SuiteLayout
{
    /// <summary>Whatever the dataset is: flat with "labels", ImageFolder otherwise.</summary>
    Auto,

    /// <summary>One sub-folder per class, any names; no labels file.</summary>
    ImageFolder,

    /// <summary>Images in one folder; needs "labels".</summary>
    Flat,

    /// <summary>Class folders named by output index (ImageNet-V2: 0 … 999).</summary>
    ClassIndices,

    /// <summary>Class folders named by WordNet id (ImageNet, ImageNet-Sketch, ImageNet-A, ImageNet-R).</summary>
    WordNetIds,
}
