namespace SENet.Evaluation.Storage;

/// <summary>The cluster's limits on where jobs read and write (<see cref="StorageOptions.InputRoots"/>, <see cref="StorageOptions.OutputRoot"/>).</summary>
public static class StorageRoots
{
    public const string InputRootsKey = "SENet:Storage:InputRoots";

    /// <summary>
    /// Refuses an input location (named by its option, e.g. --data) that lies under none of the input roots; passes
    /// every location when no root is set. The roots are named in the message: they are the cluster's own settings.
    /// </summary>
    public static void CheckInput(string location, string option, StorageOptions options)
    {
        var roots = options.InputRoots.Where(r => !string.IsNullOrWhiteSpace(r)).ToList();
        if (roots.Count == 0 || roots.Any(root => StorageLocation.IsUnder(location, root, options, orSame: true)))
        {
            return;
        }

        throw new UnauthorizedAccessException(
            $"{option} '{StorageLocation.Redact(location)}' is outside the locations this cluster reads from ({InputRootsKey}: " +
            $"{string.Join(", ", roots.Select(StorageLocation.Redact))}). Put the file under one of them, or ask the cluster's operator to add its folder or prefix.");
    }
}
