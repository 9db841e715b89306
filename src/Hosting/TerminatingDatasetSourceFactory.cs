using System.Buffers;
using System.Diagnostics;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Storage;

namespace SENet.Silo.Hosting;

/// <summary>
/// Fault injection: opens dataset sources whose read of one named image kills the silo's process at once, as a decoder
/// crash in native code would.
/// </summary>
public sealed class TerminatingDatasetSourceFactory(IDatasetSourceFactory inner, string imageName) : IDatasetSourceFactory
{
    public IDatasetSource Open(string location) => new TerminatingSource(inner.Open(location), imageName);

    private sealed class TerminatingSource(IDatasetSource inner, string imageName) : IDatasetSource
    {
        public string Description => inner.Description;

        public IAsyncEnumerable<string> ListFilesAsync(string prefix, CancellationToken cancellationToken) => inner.ListFilesAsync(prefix, cancellationToken);

        public IAsyncEnumerable<string> ListFoldersAsync(CancellationToken cancellationToken) => inner.ListFoldersAsync(cancellationToken);

        public bool FoldersExistOnlyWithFiles => inner.FoldersExistOnlyWithFiles;

        public Task<bool> ExistsAsync(string path, CancellationToken cancellationToken) => inner.ExistsAsync(path, cancellationToken);

        public Task<IMemoryOwner<byte>> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken)
        {
            if (string.Equals(path.Split('/')[^1], imageName, StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"fault injection: {path} kills this silo (SENet:FaultInjection:TerminateOnImage)");
                Process.GetCurrentProcess().Kill();
            }

            return inner.ReadAsync(path, maxBytes, cancellationToken);
        }

        public Task<string> ReadTextAsync(string path, CancellationToken cancellationToken) => inner.ReadTextAsync(path, cancellationToken);
    }
}
