namespace SENet.Evaluation.Storage;

/// <summary>
/// Where a job's outputs go (a local folder or a blob prefix): report, results, predictions parts, shard manifest,
/// processing logs. Names are relative, '/'-separated, and never leave the store's root.
/// </summary>
public interface IOutputStore
{
    /// <summary>A display form safe for logs and reports: never a credential.</summary>
    string Display { get; }

    /// <summary>Writes (or replaces) one file whole: a retried shard overwrites its own part, never appends.</summary>
    Task WriteAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    Task<byte[]> ReadAsync(string name, CancellationToken cancellationToken);

    /// <summary>Creates a file only where none of that name exists, atomically: false when one already does.</summary>
    Task<bool> TryCreateAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Deletes one file, if it exists.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken);

    /// <summary>Deletes every file under a folder of the store (an earlier job's parts), if any.</summary>
    Task DeleteFolderAsync(string folder, CancellationToken cancellationToken);
}
