namespace SENet.Evaluation.Datasets;

/// <summary>How to read a dataset's images and labels.</summary>
/// <param name="LabelsFile">A labels file (local path, or a path inside the source); none for ImageFolder.</param>
/// <param name="ClassListFile">The dataset's classes in label order, one per line, first word used (e.g. LOC_synset_mapping.txt).</param>
/// <param name="ModelClassesFile">The model's classes in output order, for a model whose order differs from the dataset's.</param>
/// <param name="Storage">How to reach label and class files given as blob URLs.</param>
/// <param name="RealLabelsFile">Several or no correct labels per image (ImageNet-ReaL's real.json), scored beside the single label.</param>
/// <param name="ClassSubsetFile">The model outputs the dataset covers (ImageNet-A/-R's 200), one index or class name a line.</param>
/// <param name="ClassSubsetMode">How to score on the subset: masked logits (the datasets' authors' convention) or the full argmax.</param>
public sealed record DatasetSpec(
    DatasetLayout Layout = DatasetLayout.Auto,
    string? LabelsFile = null,
    LabelFormat LabelFormat = LabelFormat.Auto,
    string? ClassListFile = null,
    string? ModelClassesFile = null,
    MissingPolicy OnMissing = MissingPolicy.Fail,
    Storage.StorageOptions? Storage = null,
    string? RealLabelsFile = null,
    string? ClassSubsetFile = null,
    Metrics.ClassSubsetMode ClassSubsetMode = Metrics.ClassSubsetMode.Masked);
