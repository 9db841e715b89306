using SENet.Evaluation.Datasets;
using SENet.Evaluation.Storage;

namespace SENet.Client.Benchmarks.Coordinator;

/// <summary>
/// Opens <see cref="SyntheticListingSource"/> locations and hands every other one to <paramref name="inner"/>.
/// Registered only in the silos the coordinator benchmark starts: a deployed silo never opens a synthetic listing.
/// </summary>
public sealed class SyntheticDatasetSourceFactory(IDatasetSourceFactory inner) : IDatasetSourceFactory
{
    public IDatasetSource Open(string location) => SyntheticListingSource.TryParse(location) ?? inner.Open(location);
}
