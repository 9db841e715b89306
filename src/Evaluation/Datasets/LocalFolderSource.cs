using System.Buffers;
using System.Runtime.CompilerServices;

namespace SENet.Evaluation.Datasets;

/// <summary>A dataset in a local (or mounted) folder.</summary>
public sealed class LocalFolderSource : IDatasetSource
{
    private readonly string _root;

    public LocalFolderSource(string root)
    {
        _root = Path.GetFullPath(root);
        if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"Dataset folder '{_root}' does not exist. Pass --data with the folder that holds the images.");
        }
    }

    public string Description => _root;

    public async IAsyncEnumerable<string> ListFilesAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = FullPath(prefix);
        if (!Directory.Exists(start))
        {
            yield break;
        }

        var files = Directory.EnumerateFiles(start, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = FileAttributes.Hidden })
            .Select(f => Path.GetRelativePath(_root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return file;
        }

        await Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListFoldersAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var folder in Directory.EnumerateDirectories(_root).Select(Path.GetFileName).OfType<string>().Where(f => !f.StartsWith('.')).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return folder;
        }

        await Task.CompletedTask;
    }

    public Task<bool> ExistsAsync(string path, CancellationToken cancellationToken) => Task.FromResult(File.Exists(FullPath(path)));

    public async Task<IMemoryOwner<byte>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(FullPath(path), FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await PooledBytes.ReadAsync(stream, checked((int)stream.Length), cancellationToken);
    }

    public Task<string> ReadTextAsync(string path, CancellationToken cancellationToken) => File.ReadAllTextAsync(FullPath(path), cancellationToken);

    /// <summary>Resolves a dataset-relative path, refusing any that would leave the root (e.g. through '..').</summary>
    private string FullPath(string relative)
    {
        var full = Path.GetFullPath(Path.Combine(_root, relative));
        var rootWithSeparator = _root.EndsWith(Path.DirectorySeparatorChar) ? _root : _root + Path.DirectorySeparatorChar;
        if (full != _root && !full.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            throw new UnauthorizedAccessException($"Path '{relative}' leaves the dataset folder '{_root}'.");
        }

        return full;
    }
}
