using System.Buffers;
using Microsoft.Extensions.Options;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Storage;

namespace SENet.Cluster.Tests;

/// <summary>The silo's real dataset sources, with image reads held by the silo's <see cref="ReadGate"/>, and listings faulted (and class-folder listings counted) where <see cref="ListingFaults"/> says.</summary>
public sealed class GatedDatasetSourceFactory(IOptions<StorageOptions> storage, ReadGate gate) : IDatasetSourceFactory
{
    private readonly DatasetSourceFactory _inner = new(storage.Value);

    public IDatasetSource Open(string location) => new GatedSource(_inner.Open(location), gate, location);

    private sealed class GatedSource(IDatasetSource inner, ReadGate gate, string location) : IDatasetSource
    {
        public string Description => inner.Description;

        public IAsyncEnumerable<string> ListFilesAsync(string prefix, CancellationToken cancellationToken) =>
            ListingFaults.ApplyAsync(location, inner.ListFilesAsync(prefix, cancellationToken), cancellationToken);

        public IAsyncEnumerable<string> ListFoldersAsync(CancellationToken cancellationToken) => ListingFaults.CountFoldersAsync(location, inner.ListFoldersAsync(cancellationToken), cancellationToken);

        public bool FoldersExistOnlyWithFiles => inner.FoldersExistOnlyWithFiles;

        public Task<bool> ExistsAsync(string path, CancellationToken cancellationToken) => inner.ExistsAsync(path, cancellationToken);

        public async Task<IMemoryOwner<byte>> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken)
        {
            await gate.WaitAsync(cancellationToken);
            return await inner.ReadAsync(path, maxBytes, cancellationToken);
        }

        public Task<string> ReadTextAsync(string path, CancellationToken cancellationToken) => inner.ReadTextAsync(path, cancellationToken);
    }
}
