using System.Globalization;

namespace SENet.Evaluation.Datasets;

/// <summary>
/// Recognises an ImageFolder dataset's class folders and maps them to model outputs before any image is read:
/// folders named 0, 1, … (ImageNet-V2) are output indices, read as numbers (sorted as text, "10" would come before
/// "2"); WordNet-id folders (ImageNet, ImageNet-Sketch, ImageNet-A, ImageNet-R) sort into ImageNet-1k's order, or,
/// fewer than the model's 1,000 outputs, take their ImageNet-1k index; other names sort as torchvision's ImageFolder
/// sorts them. A model class list (--model-classes) maps by name instead. Folders that cannot be matched to the
/// model's classes are refused, naming them: a wrong class order would score every image against the wrong class.
/// </summary>
public static class ClassFolders
{
    public static ClassFolderNaming Recognise(IReadOnlyList<string> folders) =>
        folders.Count > 0 && folders.All(IsClassIndex) ? ClassFolderNaming.ClassIndices
        : folders.Count > 0 && folders.All(ImageNetClasses.IsWordNetId) ? ClassFolderNaming.WordNetIds
        : ClassFolderNaming.Names;

    public static async Task<ClassFolderMap> MapAsync(IDatasetSource source, DatasetSpec spec, IReadOnlyList<string> folders, int modelClasses, CancellationToken cancellationToken)
    {
        var sorted = folders.Order(StringComparer.Ordinal).ToList();
        var naming = Recognise(sorted);
        if (naming == ClassFolderNaming.ClassIndices)
        {
            return await MapClassIndicesAsync(source, spec, sorted, modelClasses, cancellationToken);
        }

        if (spec.ModelClassesFile is null && naming == ClassFolderNaming.WordNetIds && sorted.Count != modelClasses && modelClasses == ImageNetClasses.Count)
        {
            // ImageNet-A / -R: 200 of ImageNet-1k's classes, each at its ImageNet-1k index.
            var outside = sorted.Where(f => ImageNetClasses.IndexOf(f) < 0).ToList();
            if (outside.Count > 0)
            {
                throw new DatasetException($"{outside.Count} class folder(s) are WordNet ids outside ImageNet-1k's 1,000 classes: {string.Join(", ", outside.Take(10))}. " +
                    "Pass --model-classes with the model's classes in output order to map them.");
            }

            return new ClassFolderMap(naming, sorted.ToDictionary(f => f, ImageNetClasses.IndexOf, StringComparer.Ordinal), ImageNetClasses.WordNetIds);
        }

        if (spec.ModelClassesFile is null && naming == ClassFolderNaming.Names && modelClasses == ImageNetClasses.Count && sorted.Count == modelClasses)
        {
            throw new DatasetException(
                $"The class folders ({string.Join(", ", sorted.Take(3))}, …) are neither WordNet ids (ImageNet, ImageNet-Sketch) nor class indices (ImageNet-V2), so they cannot be matched to the model's " +
                "1,000 ImageNet classes: sorted by name they would give another class order than the model's. Rename the folders to WordNet ids or class indices, " +
                "or pass --model-classes with the model's class names in output order.");
        }

        // Sorted by name, or mapped by name through a model class list: the planner's existing rule.
        var order = await DatasetPlanner.ModelOrderAsync(source, spec, sorted, modelClasses, cancellationToken);
        var index = sorted.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => order?.DatasetToModel[p.i] ?? p.i, StringComparer.Ordinal);
        // Mapped through a model class list, the names are the model's own, in output order.
        return new ClassFolderMap(naming, index, order is null ? Names(index, modelClasses) : [.. order.ModelClassNames]);
    }

    private static async Task<ClassFolderMap> MapClassIndicesAsync(IDatasetSource source, DatasetSpec spec, List<string> folders, int modelClasses, CancellationToken cancellationToken)
    {
        var values = folders.ToDictionary(f => f, f => long.Parse(f, NumberStyles.None, CultureInfo.InvariantCulture), StringComparer.Ordinal);
        var duplicates = values.GroupBy(v => v.Value).Where(g => g.Count() > 1).Select(g => string.Join(" and ", g.Select(p => p.Key))).ToList();
        if (duplicates.Count > 0)
        {
            throw new DatasetException($"Class-index folders name the same class twice: {string.Join("; ", duplicates.Take(5))}. Keep one folder per class.");
        }

        if (spec.ModelClassesFile is not null)
        {
            // ImageNet-V2's indices are ImageNet-1k's: through their WordNet ids to the model's own order.
            var outside = values.Where(v => v.Value >= ImageNetClasses.Count).Select(v => v.Key).ToList();
            if (outside.Count > 0)
            {
                throw new DatasetException($"Class-index folders {string.Join(", ", outside.Take(10))} are not ImageNet-1k classes (0–999), so --model-classes cannot map them. Leave --model-classes out when the folders are model outputs.");
            }

            var wordNetIds = folders.Select(f => ImageNetClasses.WordNetIds[(int)values[f]]).ToList();
            var order = await DatasetPlanner.ModelOrderAsync(source, spec, wordNetIds, modelClasses, cancellationToken);
            var mapped = folders.Select((f, i) => (f, i)).ToDictionary(p => p.f, p => order!.DatasetToModel[p.i], StringComparer.Ordinal);
            // The model's class names, in output order (each folder's WordNet id sits at its output).
            return new ClassFolderMap(ClassFolderNaming.ClassIndices, mapped, [.. order!.ModelClassNames]);
        }

        var tooLarge = values.Where(v => v.Value >= modelClasses).Select(v => v.Key).ToList();
        if (tooLarge.Count > 0)
        {
            throw new DatasetException($"Class-index folders {string.Join(", ", tooLarge.Take(10))} name outputs the model does not have (it has {modelClasses}: 0–{modelClasses - 1}). " +
                "Folders named by number are read as model output indices (ImageNet-V2's layout).");
        }

        var index = values.ToDictionary(v => v.Key, v => (int)v.Value, StringComparer.Ordinal);
        var names = modelClasses == ImageNetClasses.Count ? index.ToDictionary(p => p.Key, p => ImageNetClasses.WordNetIds[p.Value], StringComparer.Ordinal) : null;
        return new ClassFolderMap(ClassFolderNaming.ClassIndices, index, Names(index, modelClasses, names));
    }

    /// <summary>A name per model output: the folder (or its WordNet id) where one maps there, else ImageNet-1k's id or the index.</summary>
    private static List<string> Names(IReadOnlyDictionary<string, int> index, int modelClasses, IReadOnlyDictionary<string, string>? renamed = null)
    {
        var names = Enumerable.Range(0, modelClasses)
            .Select(i => modelClasses == ImageNetClasses.Count ? ImageNetClasses.WordNetIds[i] : i.ToString(CultureInfo.InvariantCulture)).ToList();
        foreach (var (folder, output) in index)
        {
            names[output] = renamed?.GetValueOrDefault(folder) ?? folder;
        }

        return names;
    }

    private static bool IsClassIndex(string name) => name.Length is > 0 and <= 9 && name.All(char.IsAsciiDigit);
}
