using System.Buffers;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Storage;

namespace SENet.Silo.Tests.Dashboards;

/// <summary>
/// Dataset sources whose read of one image waits until <see cref="Release"/>: a job held in mid-flight, so that a
/// scraper sees its running figures and the coordinator's tail (duplicate leases) happens whatever the machine's speed.
/// </summary>
public sealed class GatedDatasetSourceFactory(IDatasetSourceFactory inner, string gatedPath) : IDatasetSourceFactory
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    public IDatasetSource Open(string location) => new GatedSource(inner.Open(location), gatedPath, _gate.Task);

    private sealed class GatedSource(IDatasetSource inner, string gatedPath, Task gate) : IDatasetSource
    {
        public string Description => inner.Description;

        public IAsyncEnumerable<string> ListFilesAsync(string prefix, CancellationToken cancellationToken) => inner.ListFilesAsync(prefix, cancellationToken);

        public IAsyncEnumerable<string> ListFoldersAsync(CancellationToken cancellationToken) => inner.ListFoldersAsync(cancellationToken);

        public bool FoldersExistOnlyWithFiles => inner.FoldersExistOnlyWithFiles;

        public Task<bool> ExistsAsync(string path, CancellationToken cancellationToken) => inner.ExistsAsync(path, cancellationToken);

        public async Task<IMemoryOwner<byte>> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken)
        {
            if (string.Equals(path, gatedPath, StringComparison.Ordinal))
            {
                await gate.WaitAsync(cancellationToken);
            }

            return await inner.ReadAsync(path, maxBytes, cancellationToken);
        }

        public Task<string> ReadTextAsync(string path, CancellationToken cancellationToken) => inner.ReadTextAsync(path, cancellationToken);
    }
}
