namespace SENet.Evaluation.Storage;

public static class OutputStores
{
    public static IOutputStore Open(string location, StorageOptions options)
    {
        var parsed = StorageLocation.Parse(location, options);
        return parsed.IsBlob ? new BlobOutputStore(parsed.Container!, parsed.Prefix, parsed.Display) : new LocalOutputStore(parsed.LocalPath);
    }

    /// <summary><paramref name="folder"/> of <paramref name="store"/>; the store itself for "" (a job of one evaluation writes at its root).</summary>
    public static IOutputStore Under(IOutputStore store, string folder) =>
        string.IsNullOrEmpty(folder) ? store : new FolderOutputStore(store, folder);
}
