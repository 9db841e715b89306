using System.Reflection;

namespace SENet.Evaluation.Reproducibility;

/// <summary>
/// This project's version and the git commit it was built from: the SDK's source-link support appends the commit to
/// the informational version at build time ("1.0.0+3f2c…").
/// </summary>
public static class BuildInfo
{
    private static readonly string Informational =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static string Version => Informational.Split('+')[0];

    /// <summary>The commit, or "unknown" where the build saw no git repository.</summary>
    public static string Commit => Informational.Split('+') is [_, var commit, ..] && commit.Length > 0 ? commit : "unknown";
}
