using System.Buffers;

namespace SENet.Evaluation.Datasets;

/// <summary>
/// Where a dataset's files live (a local folder here; blob storage implements the same interface). Paths are
/// relative to the source's root, with '/' separators.
/// </summary>
public interface IDatasetSource
{
    /// <summary>A display name safe for logs and reports: never a credential.</summary>
    string Description { get; }

    /// <summary>Every file under <paramref name="prefix"/> (empty for all), in ordinal order of path.</summary>
    IAsyncEnumerable<string> ListFilesAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>The folders (virtual folders, for blobs) directly under the root, in ordinal order.</summary>
    IAsyncEnumerable<string> ListFoldersAsync(CancellationToken cancellationToken);

    /// <summary>
    /// True where a folder exists only while a file lies under it (blob storage's virtual folders): the listing of files
    /// then names every folder as it comes, so an ImageFolder job need not wait for the folder listing before its first
    /// shard (<see cref="StreamedClassFolders"/>). False where a folder may be empty (a local disk).
    /// </summary>
    bool FoldersExistOnlyWithFiles => false;

    Task<bool> ExistsAsync(string path, CancellationToken cancellationToken);

    /// <summary>The file's bytes in a pooled buffer, with the default size limit; dispose it when done.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    Task<IMemoryOwner<byte>> ReadAsync(string path, CancellationToken cancellationToken) => ReadAsync(path, ImageFiles.DefaultMaxBytes, cancellationToken);

    /// <summary>The file's bytes in a pooled buffer; dispose it when done.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="FileRefusedException">Not a regular file, or longer than <paramref name="maxBytes"/>: refused before reading.</exception>
    Task<IMemoryOwner<byte>> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken);

    Task<string> ReadTextAsync(string path, CancellationToken cancellationToken);
}
