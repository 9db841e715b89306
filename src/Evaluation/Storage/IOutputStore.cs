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
}
