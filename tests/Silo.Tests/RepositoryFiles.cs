namespace SENet.Silo.Tests;

/// <summary>Files of the repository the tests check against the code (dashboards, manifests).</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "SENet.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("SENet.sln not found above the test binaries.");
    }
}
