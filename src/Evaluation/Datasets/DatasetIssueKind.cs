namespace SENet.Evaluation.Datasets;

public enum DatasetIssueKind
{
    /// <summary>An image with no entry in the labels file.</summary>
    MissingLabel,

    /// <summary>A label naming a class that the class list does not know.</summary>
    UnknownClass,

    /// <summary>A second entry for an image already listed; the first entry is used.</summary>
    DuplicateEntry,

    /// <summary>A labels entry whose image does not exist.</summary>
    MissingImage,
}
