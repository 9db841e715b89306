using System.Reflection;
using System.Xml.Linq;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;

namespace SENet.Client.Tests;

/// <summary>
/// Every client of the contracts gets the contracts and the plain wire types, not the engine: no ONNX Runtime, no image
/// codecs, no plotting. Checked twice: what the compiled assemblies reference, and what the projects declare (a project
/// reference whose types go unused leaves no trace in metadata but still ships the engine to every client).
/// </summary>
public sealed class ContractsDependencyTests
{
    private static readonly string[] Forbidden =
        ["SENet.Evaluation", "SENet.Grains", "Microsoft.ML.OnnxRuntime", "OnnxSharp", "SkiaSharp", "ScottPlot", "MathNet.Numerics", "Google.Protobuf", "Azure."];

    [Fact]
    public void TheContractsAssemblyReachesNeitherTheEngineNorOnnxRuntimeNorTheCodecs()
    {
        var reached = new SortedSet<string>(StringComparer.Ordinal);
        var ours = new Queue<Assembly>([typeof(JobSpec).Assembly]);
        while (ours.TryDequeue(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (reached.Add(reference.Name!) && reference.Name!.StartsWith("SENet.", StringComparison.Ordinal))
                {
                    ours.Enqueue(Assembly.Load(reference));
                }
            }
        }

        Assert.Contains("SENet.Wire", reached);
        Assert.DoesNotContain(reached, name => Forbidden.Any(f => name.StartsWith(f, StringComparison.Ordinal)));
    }

    [Fact]
    public void TheWireAssemblyReferencesTheFrameworkOnly()
    {
        var references = typeof(TopKCounts).Assembly.GetReferencedAssemblies().Select(r => r.Name!).ToList();

        Assert.Equal("SENet.Wire", typeof(TopKCounts).Assembly.GetName().Name);
        Assert.All(references, name => Assert.True(name.StartsWith("System.", StringComparison.Ordinal) || name is "netstandard" or "mscorlib", $"SENet.Wire references {name}"));
    }

    [Fact]
    public void TheContractsProjectDeclaresNeitherTheEngineNorItsPackages()
    {
        var (projects, packages) = Closure(Path.Combine(RepositoryRoot(), "src", "Contracts", "SENet.Contracts.csproj"));

        Assert.Equal(["SENet.Contracts", "SENet.Wire"], projects.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(packages, name => Forbidden.Any(f => name.StartsWith(f, StringComparison.Ordinal)));
        Assert.Empty(Closure(Path.Combine(RepositoryRoot(), "src", "Wire", "SENet.Wire.csproj")).Packages);
    }

    /// <summary>The projects a project reaches through project references (itself included), and the packages they declare.</summary>
    private static (HashSet<string> Projects, HashSet<string> Packages) Closure(string project)
    {
        var projects = new HashSet<string>(StringComparer.Ordinal);
        var packages = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var path))
        {
            if (!projects.Add(Path.GetFileNameWithoutExtension(path)))
            {
                continue;
            }

            var document = XDocument.Load(path);
            foreach (var reference in document.Descendants("ProjectReference"))
            {
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
            }

            packages.UnionWith(document.Descendants("PackageReference").Select(p => p.Attribute("Include")!.Value));
        }

        return (projects, packages);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SENet.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("SENet.sln not found above the test binaries.");
    }
}
