using Onnx;

namespace SENet.Evaluation.Models;

/// <summary>
/// ONNX tensors whose bytes live in another file (<c>external_data</c> with a <c>location</c>). The location is the
/// submitter's text, so it may name any file the process can read: only a relative path that stays inside the model's
/// own folder, after every symbolic link is resolved, naming a regular file, is accepted.
/// </summary>
public static class ExternalData
{
    /// <summary>Every tensor of the model kept in an external file: initializers, sparse initializers and attribute tensors, in subgraphs too.</summary>
    public static IEnumerable<(TensorProto Tensor, string Kind)> Tensors(ModelProto model) =>
        model.Graph is null ? [] : Tensors(model.Graph).Where(t => IsExternal(t.Tensor));

    /// <summary>The relative locations of the model's external files (unchecked): what a blob download must fetch beside the model.</summary>
    public static IReadOnlyList<string> Locations(ModelProto model) =>
        Tensors(model).Select(t => Location(t.Tensor, t.Kind)).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Refuses any external location that is absolute, climbs out with <c>..</c>, resolves (through links) outside
    /// <paramref name="modelFolder"/>, is missing, is not a regular file, is too short for its offset and length, or
    /// takes the model over <paramref name="maxBytes"/> with <paramref name="modelBytes"/>. Returns the model folder's
    /// real path when the model has external data (for ONNX Runtime to read it from), else null.
    /// </summary>
    public static string? Validate(ModelProto model, string? modelFolder, long modelBytes, long maxBytes)
    {
        var external = Tensors(model).ToList();
        if (external.Count == 0)
        {
            return null;
        }

        if (modelFolder is null)
        {
            var (tensor, kind) = external[0];
            throw new ModelValidationException(
                $"The model keeps {kind} '{Shorten(tensor.Name)}' in an external file ('{Shorten(Location(tensor, kind))}') but was given without its folder, so the file cannot be found. Load it from its path.");
        }

        var folder = RealPath(Path.GetFullPath(modelFolder));
        var total = modelBytes;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (tensor, kind) in external)
        {
            var location = Location(tensor, kind);
            ModelValidationException Refused(string problem) => new(
                $"The model's {kind} '{Shorten(tensor.Name)}' keeps its data in external file '{Shorten(location)}', which {problem}. " +
                "External data must be a relative path to a regular file inside the model's own folder (e.g. 'weights.bin' beside model.onnx).");

            CheckLocationText(location, Refused);
            var full = Path.GetFullPath(Path.Combine(folder, location));
            var real = RealPath(full);
            if (!real.StartsWith(folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw Refused("resolves through a symbolic link to a file outside the model's folder");
            }

            var file = new FileInfo(real);
            if (!file.Exists)
            {
                throw Refused(Directory.Exists(real) ? "is a directory" : "does not exist beside the model");
            }

            if (Storage.LocalFiles.Stat(real).Kind is not (Storage.LocalFileKind.Regular or Storage.LocalFileKind.Missing) and var fileKind)
            {
                throw Refused($"is {Storage.LocalFiles.Describe(fileKind)}, not a regular file");
            }

            var offset = Number(tensor, "offset", Refused) ?? 0;
            var length = Number(tensor, "length", Refused);
            if (offset > file.Length || (length is { } l && l > file.Length - offset))
            {
                throw Refused($"is {file.Length:N0} bytes, too short for offset {offset:N0} and length {length?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "to the end"}");
            }

            if (seen.Add(real))
            {
                total = long.MaxValue - total < file.Length ? long.MaxValue : total + file.Length;
                if (total > maxBytes)
                {
                    throw new ModelValidationException(
                        $"The model with its external data (up to '{Shorten(location)}') is {ModelFiles.Figure(total)}, over the model size limit of {ModelFiles.Figure(maxBytes)}. " +
                        $"Raise the limit with {ModelFiles.MaxBytesSetting} if the model really is that large.");
                }
            }
        }

        return folder;
    }

    /// <summary>Refuses what no relative file name inside a folder can look like, before the file system is asked.</summary>
    public static void CheckLocationText(string location, Func<string, ModelValidationException> refused)
    {
        if (location.Length == 0)
        {
            throw refused("is empty");
        }

        if (location.Contains('\0') || location.Contains(':'))
        {
            throw refused("holds characters no relative file name has (':' or NUL)");
        }

        if (location[0] is '/' or '\\' || Path.IsPathRooted(location))
        {
            throw refused("is an absolute path");
        }

        if (location.Split('/', '\\').Any(segment => segment == ".."))
        {
            throw refused("climbs out of the model's folder with '..'");
        }
    }

    /// <summary>The path with every symbolic link on the way resolved (a loop, or over 40 links, is refused by the caller's containment check as unresolvable).</summary>
    internal static string RealPath(string fullPath, int depth = 0)
    {
        var root = Path.GetPathRoot(fullPath) ?? "/";
        var current = root;
        foreach (var part in fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }

            var next = Path.Combine(current, part);
            var info = new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (depth >= 40)
                {
                    throw new ModelValidationException($"The path '{fullPath}' goes through more than 40 symbolic links (a loop?).");
                }

                next = RealPath(Path.GetFullPath(target, current), depth + 1);
            }

            current = next;
        }

        return current;
    }

    private static IEnumerable<(TensorProto Tensor, string Kind)> Tensors(GraphProto graph)
    {
        foreach (var tensor in graph.Initializer)
        {
            yield return (tensor, "initializer");
        }

        foreach (var sparse in graph.SparseInitializer)
        {
            foreach (var tensor in Parts(sparse).OfType<TensorProto>())
            {
                yield return (tensor, "sparse initializer");
            }
        }

        foreach (var node in graph.Node)
        {
            foreach (var attribute in node.Attribute)
            {
                var kind = $"tensor of node '{Shorten(string.IsNullOrEmpty(node.Name) ? node.OpType : node.Name)}'";
                var tensors = new[] { attribute.T }.Concat(attribute.Tensors)
                    .Concat(Parts(attribute.SparseTensor)).Concat(attribute.SparseTensors.SelectMany(Parts));
                foreach (var tensor in tensors.Where(t => t is not null))
                {
                    yield return (tensor!, kind);
                }

                foreach (var subgraph in new[] { attribute.G }.Concat(attribute.Graphs).Where(g => g is not null))
                {
                    foreach (var inner in Tensors(subgraph!))
                    {
                        yield return inner;
                    }
                }
            }
        }

        static IEnumerable<TensorProto?> Parts(SparseTensorProto? sparse) => sparse is null ? [] : [sparse.Values, sparse.Indices];
    }

    private static bool IsExternal(TensorProto tensor) =>
        tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0;

    private static string Location(TensorProto tensor, string kind) =>
        tensor.ExternalData.LastOrDefault(e => e.Key == "location")?.Value
        ?? throw new ModelValidationException($"The model's {kind} '{Shorten(tensor.Name)}' is marked as external data but names no location. Re-export the model.");

    private static long? Number(TensorProto tensor, string key, Func<string, ModelValidationException> refused)
    {
        var text = tensor.ExternalData.LastOrDefault(e => e.Key == key)?.Value;
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw refused($"has a {key} '{Shorten(text)}' that is not a whole number of bytes");
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "…";
}
