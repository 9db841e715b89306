using SENet.Evaluation.Datasets;

namespace SENet.Evaluation.Storage;

/// <summary>Opens dataset locations for a host; a host may wrap sources (to meter, cache or pace their reads).</summary>
public interface IDatasetSourceFactory
{
    IDatasetSource Open(string location);
}
