namespace SENet.Evaluation.Storage;

/// <summary>Outputs in a local folder; each file written to a temporary name and renamed, so readers never see half of one.</summary>
public sealed class LocalOutputStore(string folder) : IOutputStore
{
    private readonly string _root = Path.GetFullPath(folder);

    public string Display => _root;

    public async Task WriteAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var path = FullPath(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var partial = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(partial, content.ToArray(), cancellationToken);
        File.Move(partial, path, overwrite: true);
    }

    public Task<byte[]> ReadAsync(string name, CancellationToken cancellationToken) => File.ReadAllBytesAsync(FullPath(name), cancellationToken);

    public async Task<bool> TryCreateAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var path = FullPath(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var partial = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(partial, content.ToArray(), cancellationToken);
        try
        {
            // Without overwrite a move is a link then an unlink: it fails, atomically, where the name exists, and a
            // reader never sees the file empty.
            File.Move(partial, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(partial);
            return false;
        }
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        File.Delete(FullPath(name));
        return Task.CompletedTask;
    }

    public Task DeleteFolderAsync(string folder, CancellationToken cancellationToken)
    {
        var path = FullPath(folder);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        return Task.CompletedTask;
    }

    private string FullPath(string name)
    {
        var full = Path.GetFullPath(Path.Combine(_root, name));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new UnauthorizedAccessException($"Output '{name}' would leave the job's output folder '{_root}'.");
        }

        return full;
    }
}
