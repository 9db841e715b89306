using System.Diagnostics;
using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace SENet.Silo.Tests.Deploy;

/// <summary>
/// The Kubernetes objects a kustomization renders to, through the real renderer (<c>kubectl kustomize</c>, or a
/// standalone <c>kustomize build</c>), as JSON nodes.
/// </summary>
public sealed class RenderedManifests
{
    private RenderedManifests(IReadOnlyList<JsonObject> objects) => Objects = objects;

    public IReadOnlyList<JsonObject> Objects { get; }

    /// <summary>Renders the kustomization in <paramref name="folder"/> (relative to the repository root).</summary>
    public static RenderedManifests Render(string folder)
    {
        var path = RepositoryFiles.Path(folder.Split('/'));
        var (file, arguments) = Renderer();
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments.Append(path))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} {folder} failed: {error.Result}");
        }

        var objects = new List<JsonObject>();
        var deserializer = new DeserializerBuilder().Build();
        var json = new SerializerBuilder().JsonCompatible().Build();
        foreach (var document in output.Result.Split("\n---\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var value = deserializer.Deserialize<object>(document);
            if (value is not null)
            {
                objects.Add(JsonNode.Parse(json.Serialize(value))!.AsObject());
            }
        }

        return new RenderedManifests(objects);
    }

    /// <summary>Renders a kustomization made for the test: <paramref name="resources"/> plus <paramref name="components"/>, all repository folders.</summary>
    public static RenderedManifests Compose(string[] resources, string[] components)
    {
        // Kustomize refuses absolute paths: the temporary kustomization lives in the repository and is removed after.
        var folder = RepositoryFiles.Path("deploy", "k8s", $".test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string Relative(string repositoryFolder) => Path.GetRelativePath(folder, RepositoryFiles.Path(repositoryFolder.Split('/')));
            File.WriteAllText(Path.Combine(folder, "kustomization.yaml"),
                "resources:\n" + string.Concat(resources.Select(r => $"- {Relative(r)}\n")) +
                "components:\n" + string.Concat(components.Select(c => $"- {Relative(c)}\n")));
            return Render(Path.GetRelativePath(RepositoryFiles.Root, folder).Replace('\\', '/'));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public JsonObject Single(string kind, string name) =>
        Assert.Single(Objects, o => (string?)o["kind"] == kind && (string?)o["metadata"]?["name"] == name);

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => (string?)o["kind"] == kind);

    /// <summary>The silo Deployment's pod template.</summary>
    public JsonObject PodTemplate => Single("Deployment", "senet-silo")["spec"]!["template"]!.AsObject();

    public JsonObject SiloContainer => Assert.Single(PodTemplate["spec"]!["containers"]!.AsArray(), c => (string?)c!["name"] == "silo")!.AsObject();

    /// <summary>
    /// The silo container's environment: literal values, values of ConfigMaps it takes whole (envFrom), and for each
    /// variable set from elsewhere (secret, downward API) its <c>valueFrom</c>. Later entries win, as in Kubernetes.
    /// </summary>
    public (Dictionary<string, string> Values, Dictionary<string, JsonObject> From) SiloEnvironment()
    {
        var values = new Dictionary<string, string>();
        var from = new Dictionary<string, JsonObject>();
        foreach (var source in SiloContainer["envFrom"]?.AsArray() ?? [])
        {
            var configMap = Single("ConfigMap", (string)source!["configMapRef"]!["name"]!);
            foreach (var (key, value) in configMap["data"]?.AsObject() ?? [])
            {
                values[key] = (string)value!;
            }
        }

        foreach (var variable in SiloContainer["env"]?.AsArray() ?? [])
        {
            var name = (string)variable!["name"]!;
            if (variable["valueFrom"] is JsonObject valueFrom)
            {
                from[name] = valueFrom;
                values.Remove(name);
            }
            else
            {
                values[name] = (string?)variable["value"] ?? "";
                from.Remove(name);
            }
        }

        return (values, from);
    }

    /// <summary>The container port a Service's target names (by port name or number).</summary>
    public int ContainerPort(string target)
    {
        var ports = SiloContainer["ports"]!.AsArray();
        var port = int.TryParse(target, out var number)
            ? ports.Single(p => (string?)p!["containerPort"] == target)
            : ports.Single(p => (string?)p!["name"] == target);
        return int.Parse((string)port!["containerPort"]!);
    }

    private static (string File, string[] Arguments) Renderer()
    {
        foreach (var (file, arguments) in new[] { ("kubectl", new[] { "kustomize" }), ("kustomize", new[] { "build" }) })
        {
            if (Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, file))))
            {
                return (file, arguments);
            }
        }

        throw new InvalidOperationException("Rendering the manifests needs kubectl (kubectl kustomize) or kustomize on the PATH; test.sh checks for it.");
    }
}
