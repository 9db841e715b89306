using System.Text.Json;
using System.Text.RegularExpressions;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Storage;

namespace SENet.Client.Suites;

/// <summary>
/// A <c>--suite</c> file: JSON (comments and trailing commas allowed), <c>{"datasets": [{"name": …, "data": …, …}, …]}</c>.
/// Each entry's keys are the dataset options of <c>senet evaluate</c> without their dashes; relative paths are read from
/// the suite file's folder. Every problem of the whole file is found before any work, each naming its line and entry.
/// </summary>
public sealed partial record SuiteFile(string Display, IReadOnlyList<SuiteEntry> Entries)
{
    /// <summary>The evaluate options an entry may set, as keys (the option's name without its dashes).</summary>
    public static IReadOnlyList<string> DatasetKeys { get; } = ["data", "labels", "label-format", "class-list", "real-labels", "class-subset", "class-subset-mode", "view", "on-missing"];

    /// <summary>The keys whose values are files or folders: relative ones are read from the suite file's folder.</summary>
    public static IReadOnlyList<string> PathKeys { get; } = ["data", "labels", "class-list", "real-labels", "class-subset"];

    public static IReadOnlyList<string> Layouts { get; } = ["auto", "imagefolder", "flat", "class-indices", "wordnet-ids"];

    private const string NameRule = "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (it names the table's column and the dataset's output folder)";

    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static SuiteFile Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Suite file '{Path.GetFullPath(path)}' does not exist. Pass --suite with a JSON file listing the datasets ({{\"datasets\": [{{\"name\": \"imagenet\", \"data\": \"/data/imagenet/val\"}}]}}).");
        }

        var full = Path.GetFullPath(path);
        return Parse(full, File.ReadAllBytes(full), Path.GetDirectoryName(full)!);
    }

    /// <summary>Reads a suite; <paramref name="baseFolder"/> anchors relative paths. Throws <see cref="SuiteFileException"/> with every problem found.</summary>
    public static SuiteFile Parse(string display, byte[] utf8, string baseFolder)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new SuiteFileException(display, [$"{display} line {e.LineNumber + 1 ?? 1}: not valid JSON ({FirstSentence(e.Message)}). A suite is {{\"datasets\": [{{\"name\": \"imagenet\", \"data\": \"/data/imagenet/val\"}}, …]}}."]);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("datasets", out var datasets) || datasets.ValueKind != JsonValueKind.Array)
            {
                throw new SuiteFileException(display, [$"{display} line 1: a suite is an object with a \"datasets\" array: {{\"datasets\": [{{\"name\": \"imagenet\", \"data\": \"/data/imagenet/val\"}}, …]}}."]);
            }

            var problems = new List<string>();
            foreach (var property in root.EnumerateObject().Where(p => p.Name != "datasets"))
            {
                problems.Add($"{display} line {LineOf(utf8, RootPropertyOffset(utf8, property.Name))}: unknown key \"{property.Name}\" at the top: a suite holds only \"datasets\" (the model and the other options come from the command line).");
            }

            var lines = EntryLines(utf8);
            var entries = new List<SuiteEntry>();
            var index = 0;
            foreach (var element in datasets.EnumerateArray())
            {
                var line = index < lines.Count ? lines[index] : 1;
                if (ReadEntry(display, element, index, line, baseFolder, problems) is { } entry)
                {
                    entries.Add(entry);
                }

                index++;
            }

            if (index == 0)
            {
                problems.Add($"{display}: \"datasets\" is empty: list at least one dataset ({{\"name\": \"imagenet\", \"data\": \"/data/imagenet/val\"}}).");
            }

            foreach (var clash in entries.GroupBy(e => e.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            {
                var first = clash.First();
                foreach (var again in clash.Skip(1))
                {
                    problems.Add($"{again.Where(display)}: the name is already dataset {first.Index + 1}'s (line {first.Line}); names must be unique (ignoring case): they are the table's columns and the output folders.");
                }
            }

            if (problems.Count > 0)
            {
                throw new SuiteFileException(display, problems);
            }

            return new SuiteFile(display, entries);
        }
    }

    /// <summary>
    /// Problems with what the entries name on this machine: local folders and files that do not exist, and a declared
    /// layout the folder does not have. Blob locations are left to the coordinator, which checks them before any work.
    /// </summary>
    public IReadOnlyList<string> LocalProblems()
    {
        var problems = new List<string>();
        foreach (var entry in Entries)
        {
            foreach (var key in PathKeys)
            {
                if (entry[key] is not { } location || StorageLocation.LooksLikeBlob(location))
                {
                    continue;
                }

                if (key == "data" ? !Directory.Exists(location) : !File.Exists(location))
                {
                    problems.Add($"{entry.Where(Display)}: {key} {(key == "data" ? "folder" : "file")} '{location}' does not exist. Fix the path (a relative one is read from the suite file's folder).");
                }
            }

            if (entry["data"] is { } data && !StorageLocation.LooksLikeBlob(data) && Directory.Exists(data) && LayoutProblem(entry, data) is { } layout)
            {
                problems.Add($"{entry.Where(Display)}: {layout}");
            }
        }

        return problems;
    }

    private static string? LayoutProblem(SuiteEntry entry, string data)
    {
        if (entry.Layout is SuiteLayout.Auto or SuiteLayout.Flat)
        {
            return null;
        }

        var folders = Directory.GetDirectories(data).Select(Path.GetFileName).OfType<string>().ToList();
        if (folders.Count == 0)
        {
            return $"layout {Layouts[(int)entry.Layout]} needs one sub-folder per class, but '{data}' has none. Point \"data\" at the class folders' parent, or declare \"layout\": \"flat\" with \"labels\".";
        }

        var naming = ClassFolders.Recognise(folders.Order(StringComparer.Ordinal).ToList());
        var shown = string.Join(", ", folders.Order(StringComparer.Ordinal).Take(3));
        return entry.Layout switch
        {
            SuiteLayout.ClassIndices when naming != ClassFolderNaming.ClassIndices =>
                $"layout class-indices (ImageNet-V2: folders 0 … 999) does not match the class folders ({shown}, …). Fix \"data\", or declare the layout the folders have.",
            SuiteLayout.WordNetIds when naming != ClassFolderNaming.WordNetIds =>
                $"layout wordnet-ids (ImageNet, ImageNet-Sketch, -A, -R: folders n01440764 …) does not match the class folders ({shown}, …). Fix \"data\", or declare the layout the folders have.",
            _ => null,
        };
    }

    private static SuiteEntry? ReadEntry(string display, JsonElement element, int index, int line, string baseFolder, List<string> problems)
    {
        var at = $"{display} line {line}, dataset {index + 1}";
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{at}: an entry is an object such as {{\"name\": \"imagenet\", \"data\": \"/data/imagenet/val\"}}, not {element.ValueKind.ToString().ToLowerInvariant()}.");
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var ok = true;
        foreach (var property in element.EnumerateObject())
        {
            var key = property.Name;
            if (key != "name" && key != "layout" && !DatasetKeys.Contains(key))
            {
                var hyphenated = key.Replace('_', '-').ToLowerInvariant();
                problems.Add(hyphenated != key && (hyphenated is "name" or "layout" || DatasetKeys.Contains(hyphenated))
                    ? $"{at}: unknown key \"{key}\": write \"{hyphenated}\" (keys are evaluate's option names without the dashes)."
                    : $"{at}: unknown key \"{key}\". An entry takes name, layout, {string.Join(", ", DatasetKeys)}; the model and the other options come from the command line.");
                ok = false;
                continue;
            }

            if (property.Value.ValueKind != JsonValueKind.String || property.Value.GetString() is not { Length: > 0 } value || string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{at}: \"{key}\" must be a non-empty string, not {property.Value.GetRawText()}.");
                ok = false;
                continue;
            }

            if (!values.TryAdd(key, value))
            {
                problems.Add($"{at}: \"{key}\" is given twice; keep one.");
                ok = false;
            }
        }

        if (!values.TryGetValue("name", out var name))
        {
            problems.Add($"{at}: \"name\" is missing: {NameRule}.");
            ok = false;
        }
        else if (!ValidName().IsMatch(name))
        {
            problems.Add($"{at}: name '{name}' cannot work: {NameRule}.");
            ok = false;
        }

        if (!values.ContainsKey("data"))
        {
            problems.Add($"{at}{(name is null ? "" : $" '{name}'")}: \"data\" is missing: the dataset's folder or blob URL.");
            ok = false;
        }

        var layout = SuiteLayout.Auto;
        if (values.TryGetValue("layout", out var layoutText))
        {
            var known = Layouts.ToList().IndexOf(layoutText);
            if (known < 0)
            {
                problems.Add($"{at}: layout '{layoutText}' cannot work: it must be one of {string.Join(", ", Layouts)}.");
                ok = false;
            }
            else
            {
                layout = (SuiteLayout)known;
            }
        }

        var hasLabels = values.ContainsKey("labels");
        if (layout == SuiteLayout.Flat && !hasLabels)
        {
            problems.Add($"{at}: layout flat needs \"labels\" (a Caffe val.txt, Kaggle LOC_val_solution.csv or path,label CSV).");
            ok = false;
        }
        else if (layout is SuiteLayout.ImageFolder or SuiteLayout.ClassIndices or SuiteLayout.WordNetIds && hasLabels)
        {
            problems.Add($"{at}: layout {layoutText} takes its labels from the class folders; \"labels\" makes it a flat dataset. Drop one of them.");
            ok = false;
        }

        if (values.ContainsKey("class-subset-mode") && !values.ContainsKey("class-subset"))
        {
            problems.Add($"{at}: \"class-subset-mode\" without \"class-subset\" has nothing to apply to: add the subset file, or drop the mode.");
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        // The evaluate options in the order the keys are documented, paths made absolute against the suite's folder.
        var options = DatasetKeys.Where(values.ContainsKey)
            .Select(key => KeyValuePair.Create(key, PathKeys.Contains(key) && !StorageLocation.LooksLikeBlob(values[key]) ? Path.GetFullPath(values[key], baseFolder) : values[key]))
            .ToList();
        return new SuiteEntry(index, line, name!, layout, options);
    }

    /// <summary>The line of each element of the "datasets" array, in order (JsonDocument keeps no positions).</summary>
    private static List<int> EntryLines(byte[] utf8)
    {
        var lines = new List<int>();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        string? property = null;
        var inDatasets = false;
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
            {
                property = reader.GetString();
            }
            else if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.StartArray)
            {
                inDatasets = property == "datasets";
            }
            else if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.EndArray)
            {
                inDatasets = false;
            }
            else if (inDatasets && reader.CurrentDepth == 2)
            {
                lines.Add(LineOf(utf8, reader.TokenStartIndex));
                reader.Skip();
            }
            else if (reader.CurrentDepth >= 1 && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        return lines;
    }

    private static long RootPropertyOffset(byte[] utf8, string name)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.GetString() == name)
            {
                return reader.TokenStartIndex;
            }
        }

        return 0;
    }

    private static int LineOf(byte[] utf8, long offset) => 1 + utf8.AsSpan(0, (int)Math.Min(offset, utf8.Length)).Count((byte)'\n');

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).TrimEnd('.', ' ');
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}
