using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using SENet.Evaluation.Datasets;

namespace SENet.Evaluation.Tests.Datasets;

/// <summary>
/// A dataset as blob storage lists it, without the bytes: folders exist only while a file lies under them, the files list
/// in the order of their UTF-8 bytes, and the folder listing answers only once <see cref="ReleaseFolders"/> is called
/// (Azurite's walks every blob first), so a test decides what was labelled before it answered.
/// </summary>
public sealed class VirtualFolderListing(IEnumerable<string> files) : IDatasetSource
{
    private readonly List<string> _files = [.. files.Distinct(StringComparer.Ordinal)
        .OrderBy(f => f, Comparer<string>.Create((x, y) => Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y))))];
    private readonly TaskCompletionSource _folders = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Description => "virtual-folders:test";

    public bool FoldersExistOnlyWithFiles => true;

    public IReadOnlyList<string> Files => _files;

    /// <summary>Whether the folder listing has answered (a caller waited for it and it was released).</summary>
    public bool FoldersAnswered { get; private set; }

    public void ReleaseFolders() => _folders.TrySetResult();

    public async IAsyncEnumerable<string> ListFilesAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var file in _files.Where(f => f.StartsWith(prefix, StringComparison.Ordinal)))
        {
            await Task.Yield();
            yield return file;
        }
    }

    public async IAsyncEnumerable<string> ListFoldersAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _folders.Task.WaitAsync(cancellationToken);
        FoldersAnswered = true;
        foreach (var folder in _files.Where(f => f.Contains('/')).Select(f => f[..f.IndexOf('/')]).Distinct(StringComparer.Ordinal))
        {
            yield return folder;
        }
    }

    public Task<bool> ExistsAsync(string path, CancellationToken cancellationToken) => Task.FromResult(_files.Contains(path));

    public Task<IMemoryOwner<byte>> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken) =>
        throw new FileNotFoundException("A virtual listing has no bytes.", path);

    public Task<string> ReadTextAsync(string path, CancellationToken cancellationToken) =>
        throw new FileNotFoundException("A virtual listing has no bytes.", path);
}
