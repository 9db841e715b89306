using SENet.Evaluation.Datasets;

namespace SENet.Evaluation.Storage;

/// <summary>Opens local folders and blob prefixes with the host's storage options.</summary>
public sealed class DatasetSourceFactory(StorageOptions storage) : IDatasetSourceFactory
{
    public IDatasetSource Open(string location) => DatasetSources.Open(location, storage);
}
