using System.Buffers;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SENet.Evaluation.Datasets;

namespace SENet.Evaluation.Storage;

/// <summary>
/// A dataset under a blob prefix: ImageFolder as virtual folders, labels as blobs. Listing is paged and streamed;
/// transient failures are retried by the client (exponential back-off with jitter); a missing (404) or forbidden
/// (403) blob is an error for that image at once, without retry; storage that still does not answer after the
/// client's retries is a <see cref="StorageUnavailableException"/>, for the caller to retry the work later.
/// </summary>
public sealed class BlobDatasetSource(BlobContainerClient container, string prefix, string description) : IDatasetSource
{
    private const int PageSize = 5000;

    public BlobDatasetSource(StorageLocation location)
        : this(location.Container ?? throw new ArgumentException("Not a blob location.", nameof(location)), location.Prefix, location.Display)
    {
    }

    public string Description => description;

    public bool FoldersExistOnlyWithFiles => true;

    public async IAsyncEnumerable<string> ListFilesAsync(string subPrefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var root = prefix.Length == 0 ? "" : prefix + "/";
        var pages = Guard(() => container.GetBlobsAsync(new GetBlobsOptions { Prefix = root + subPrefix }, cancellationToken).AsPages(pageSizeHint: PageSize), "list");
        await foreach (var page in pages.WithCancellation(cancellationToken))
        {
            foreach (var blob in page.Values)
            {
                yield return blob.Name[root.Length..];
            }
        }
    }

    public async IAsyncEnumerable<string> ListFoldersAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var root = prefix.Length == 0 ? "" : prefix + "/";
        var pages = container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Prefix = root, Delimiter = "/" }, cancellationToken).AsPages(pageSizeHint: PageSize);
        await using var enumerator = pages.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (Exception e) when (StorageErrors.IsStorageFailure(e))
            {
                throw Translate(e, prefix);
            }

            foreach (var item in enumerator.Current.Values.Where(v => v.IsPrefix))
            {
                yield return item.Prefix[root.Length..].TrimEnd('/');
            }
        }
    }

    public async Task<bool> ExistsAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await Blob(path).ExistsAsync(cancellationToken)).Value;
        }
        catch (Exception e) when (StorageErrors.IsStorageFailure(e))
        {
            throw Translate(e, path);
        }
    }

    public Task<IMemoryOwner<byte>> ReadAsync(string path, CancellationToken cancellationToken) => ReadAsync(path, ImageFiles.DefaultMaxBytes, cancellationToken);

    public Task<IMemoryOwner<byte>> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken) =>
        ReadAsync(path, Math.Min(maxBytes, ImageFiles.LargestMaxBytes), length => ImageFiles.TooLarge(length, maxBytes), cancellationToken);

    /// <summary>Text decoded exactly as a local file's (<see cref="TextFiles.Decode"/>): a byte-order mark is honoured, never kept.</summary>
    public async Task<string> ReadTextAsync(string path, CancellationToken cancellationToken)
    {
        using var bytes = await ReadAsync(path, TextFiles.MaxBytes, length => TextFiles.TooLarge($"'{path}' under {description}", length), cancellationToken);
        return TextFiles.Decode(bytes.Memory.Span);
    }

    private async Task<IMemoryOwner<byte>> ReadAsync(string path, long maxBytes, Func<long, FileRefusedException> tooLarge, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Blob(path).DownloadStreamingAsync(cancellationToken: cancellationToken);
            await using var stream = response.Value.Content;
            // Checked on the Content-Length, before the body is read: disposing the stream drops the rest unread.
            if (response.Value.Details.ContentLength > maxBytes)
            {
                throw tooLarge(response.Value.Details.ContentLength);
            }

            var length = (int)response.Value.Details.ContentLength;
            var bytes = await PooledBytes.ReadAsync(stream, length, cancellationToken);
            if (bytes.Length < length)
            {
                // The blob has all its bytes: fewer means the connection ended early, which must not pass for a truncated image.
                var received = bytes.Length;
                bytes.Dispose();
                throw StorageErrors.TranslateInterruptedTransfer(new EndOfStreamException($"{received} of {length} bytes"), path, description);
            }

            return bytes;
        }
        catch (Exception e) when (StorageErrors.IsStorageFailure(e))
        {
            throw Translate(e, path);
        }
        catch (Exception e) when (StorageErrors.IsInterruptedTransfer(e) && !cancellationToken.IsCancellationRequested)
        {
            throw StorageErrors.TranslateInterruptedTransfer(e, path, description);
        }
    }

    /// <summary>
    /// The blob of a dataset path. A '.' or '..' segment is refused: the storage client resolves them when it builds
    /// the URL, so a path such as '../other/x' would leave the dataset's prefix, or its container.
    /// </summary>
    private BlobClient Blob(string path)
    {
        if (BlobNames.HasDotSegment(path))
        {
            throw new UnauthorizedAccessException($"Path '{path}' leaves the dataset prefix {description}: '.' and '..' segments are not allowed in blob names.");
        }

        return container.GetBlobClient(prefix.Length == 0 ? path : $"{prefix}/{path}");
    }

    private async IAsyncEnumerable<Page<BlobItem>> Guard(Func<IAsyncEnumerable<Page<BlobItem>>> pages, string what)
    {
        await using var enumerator = pages().GetAsyncEnumerator();
        while (true)
        {
            Page<BlobItem> page;
            try
            {
                if (!await enumerator.MoveNextAsync())
                {
                    yield break;
                }

                page = enumerator.Current;
            }
            catch (Exception e) when (StorageErrors.IsStorageFailure(e))
            {
                throw Translate(e, what == "list" ? prefix : what);
            }

            yield return page;
        }
    }

    private Exception Translate(Exception e, string path) => StorageErrors.Translate(e, path, description);

}
