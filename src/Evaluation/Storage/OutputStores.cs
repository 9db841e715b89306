namespace SENet.Evaluation.Storage;

public static class OutputStores
{
    public static IOutputStore Open(string location, StorageOptions options)
    {
        var parsed = StorageLocation.Parse(location, options);
        return parsed.IsBlob ? new BlobOutputStore(parsed.Container!, parsed.Prefix, parsed.Display) : new LocalOutputStore(parsed.LocalPath);
    }
}
