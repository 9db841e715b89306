using SENet.Evaluation.Datasets;

namespace SENet.Evaluation.Storage;

/// <summary>Opens a dataset location, local or blob, through the one <see cref="IDatasetSource"/> interface.</summary>
public static class DatasetSources
{
    public static IDatasetSource Open(string location, StorageOptions options)
    {
        var parsed = StorageLocation.Parse(location, options);
        return parsed.IsBlob ? new BlobDatasetSource(parsed) : new LocalFolderSource(parsed.LocalPath);
    }
}
