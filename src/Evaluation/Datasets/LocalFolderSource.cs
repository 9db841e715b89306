using System.Buffers;
using System.IO.Enumeration;
using System.Runtime.CompilerServices;
using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Datasets;

/// <summary>
/// A dataset in a local (or mounted) folder. Listing names every file, hidden ones included (torchvision's
/// ImageFolder skips none, and blob listings cannot), and never descends into a symbolically linked folder: a link
/// loop would list the same images over and over, and a linked folder may lead anywhere. A linked file is read only
/// when it resolves inside the dataset folder; only regular files are opened, and only up to the size limit.
/// </summary>
public sealed class LocalFolderSource : IDatasetSource
{
    private readonly string _root;
    private readonly string _canonicalRoot;

    public LocalFolderSource(string root)
    {
        _root = Path.GetFullPath(root);
        if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"Dataset folder '{_root}' does not exist. Pass --data with the folder that holds the images.");
        }

        _canonicalRoot = LocalFiles.Canonical(_root);
    }

    public string Description => _root;

    public async IAsyncEnumerable<string> ListFilesAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = FullPath(prefix);
        if (!Directory.Exists(start))
        {
            yield break;
        }

        var entries = new FileSystemEnumerable<string>(start, (ref entry) => entry.ToFullPath(), new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = false,
            AttributesToSkip = 0,
        })
        {
            // A linked folder is neither a file nor descended into (entry.IsDirectory follows the link).
            ShouldIncludePredicate = (ref entry) => !entry.IsDirectory,
            ShouldRecursePredicate = (ref entry) => !IsLink(entry.Attributes),
        };
        var files = entries
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
        var folders = new DirectoryInfo(_root).EnumerateDirectories("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false })
            .Where(d => !IsLink(d.Attributes))
            .Select(d => d.Name)
            .Order(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return folder;
        }

        await Task.CompletedTask;
    }

    public Task<bool> ExistsAsync(string path, CancellationToken cancellationToken) => Task.FromResult(File.Exists(FullPath(path)));

    public Task<IMemoryOwner<byte>> ReadAsync(string path, CancellationToken cancellationToken) => ReadAsync(path, ImageFiles.DefaultMaxBytes, cancellationToken);

    public async Task<IMemoryOwner<byte>> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken)
    {
        maxBytes = Math.Min(maxBytes, ImageFiles.LargestMaxBytes);
        var file = CheckedFile(path, maxBytes);
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var length = stream.Length;
        if (length > maxBytes)
        {
            throw TooLarge(length, maxBytes);
        }

        return await PooledBytes.ReadAsync(stream, (int)length, cancellationToken);
    }

    public Task<string> ReadTextAsync(string path, CancellationToken cancellationToken) => TextFiles.ReadLocalAsync(Resolve(path), cancellationToken);

    /// <summary>
    /// The file to open for a dataset path, after the checks that must come before opening it: it resolves inside the
    /// dataset folder, is a regular file, and is no larger than <paramref name="maxBytes"/>.
    /// </summary>
    private string CheckedFile(string relative, long maxBytes)
    {
        var resolved = Resolve(relative);
        var (kind, length) = LocalFiles.Stat(resolved);
        if (kind == LocalFileKind.Missing)
        {
            throw new FileNotFoundException($"'{relative}' does not exist in '{_root}'.", relative);
        }

        if (kind != LocalFileKind.Regular)
        {
            throw new FileRefusedException($"'{relative}' is {LocalFiles.Describe(kind)}, not a regular file: only regular files are read.");
        }

        if (length > maxBytes)
        {
            throw TooLarge(length, maxBytes);
        }

        return resolved;
    }

    /// <summary>The real path of a dataset file, refused when a symbolic link on the way leads outside the dataset folder.</summary>
    private string Resolve(string relative)
    {
        var resolved = LocalFiles.Canonical(FullPath(relative));
        if (!LocalFiles.IsWithin(resolved, _canonicalRoot))
        {
            throw new UnauthorizedAccessException($"'{relative}' is a symbolic link (or lies under one) that leads outside the dataset folder; links are followed only within it.");
        }

        return resolved;
    }

    private static FileRefusedException TooLarge(long length, long maxBytes) => ImageFiles.TooLarge(length, maxBytes);

    private static bool IsLink(FileAttributes attributes) => (attributes & FileAttributes.ReparsePoint) != 0;

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
