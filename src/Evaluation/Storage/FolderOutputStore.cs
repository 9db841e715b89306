namespace SENet.Evaluation.Storage;

/// <summary>
/// A folder of another output store, its names relative to the folder: one evaluation of a job of several models or
/// views writes its parts and report under OUT/&lt;model&gt;[/&lt;view&gt;]/ with the names a single-model job uses at OUT/.
/// </summary>
public sealed class FolderOutputStore(IOutputStore inner, string folder) : IOutputStore
{
    private readonly string _prefix = folder.Trim('/') + "/";

    public string Display => $"{inner.Display.TrimEnd('/')}/{_prefix.TrimEnd('/')}";

    public Task WriteAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) => inner.WriteAsync(_prefix + name, content, cancellationToken);

    public Task<byte[]> ReadAsync(string name, CancellationToken cancellationToken) => inner.ReadAsync(_prefix + name, cancellationToken);

    public Task<bool> TryCreateAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) => inner.TryCreateAsync(_prefix + name, content, cancellationToken);

    public Task DeleteAsync(string name, CancellationToken cancellationToken) => inner.DeleteAsync(_prefix + name, cancellationToken);

    public Task DeleteFolderAsync(string name, CancellationToken cancellationToken) => inner.DeleteFolderAsync(_prefix + name, cancellationToken);
}
