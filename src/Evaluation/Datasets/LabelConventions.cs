using SENet.Evaluation.Metrics;
using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Datasets;

/// <summary>
/// Reads a job's ImageNet-family label conventions (a class subset, label sets) against the model's classes while the
/// dataset is planned, so that a subset naming no model class, or a dataset class outside the subset, is refused
/// before any image is read.
/// </summary>
public static class LabelConventions
{
    /// <summary>
    /// The model's class names in output order, as far as they are known: its class list (--model-classes), else the
    /// dataset's names when they cover every output, else ImageNet-1k's WordNet ids for a 1,000-output model.
    /// </summary>
    public static async Task<IReadOnlyList<string>?> ModelClassNamesAsync(IDatasetSource source, DatasetSpec spec, int modelClasses, IReadOnlyList<string>? datasetNamesInModelOrder, CancellationToken cancellationToken)
    {
        if (spec.ModelClassesFile is { } file)
        {
            return LabelFileParser.ParseClassList(await DatasetPlanner.ReadTextAsync(source, spec, file, "--model-classes", cancellationToken));
        }

        return datasetNamesInModelOrder is { } names && names.Count == modelClasses ? names
            : modelClasses == ImageNetClasses.Count ? ImageNetClasses.WordNetIds
            : null;
    }

    public static async Task<ClassSubset?> LoadSubsetAsync(IDatasetSource source, DatasetSpec spec, int modelClasses, IReadOnlyList<string>? datasetNamesInModelOrder, CancellationToken cancellationToken)
    {
        if (spec.ClassSubsetFile is not { } file)
        {
            return null;
        }

        var text = await DatasetPlanner.ReadTextAsync(source, spec, file, "--class-subset", cancellationToken);
        var names = await ModelClassNamesAsync(source, spec, modelClasses, datasetNamesInModelOrder, cancellationToken);
        try
        {
            return ClassSubset.Parse(StorageLocation.Redact(file), text, modelClasses, names, spec.ClassSubsetMode);
        }
        catch (FormatException e)
        {
            throw new DatasetException(e.Message);
        }
    }

    public static async Task<RealLabels?> LoadRealAsync(IDatasetSource source, DatasetSpec spec, int modelClasses, CancellationToken cancellationToken)
    {
        if (spec.RealLabelsFile is not { } file)
        {
            return null;
        }

        var json = await DatasetPlanner.ReadTextAsync(source, spec, file, "--real-labels", cancellationToken);
        IReadOnlyList<int>? toModel = null;
        if (spec.ModelClassesFile is not null)
        {
            // ReaL's labels are ImageNet-1k indices: through their WordNet ids into the model's own order.
            var modelNames = await ModelClassNamesAsync(source, spec, modelClasses, null, cancellationToken);
            var modelIndex = modelNames!.Select((name, i) => (name, i)).GroupBy(p => p.name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
            toModel = [.. ImageNetClasses.WordNetIds.Select(id => modelIndex.GetValueOrDefault(id, -1))];
        }

        return RealLabels.Parse(StorageLocation.Redact(file), json, modelClasses, toModel);
    }

    /// <summary>Refuses dataset classes outside the subset: their images could never be scored right, whatever the model does.</summary>
    public static void CheckCovered(ClassSubset? subset, IEnumerable<int> datasetModelClasses, IReadOnlyList<string>? namesInModelOrder, bool namesAreFolders)
    {
        if (subset is null)
        {
            return;
        }

        var outside = datasetModelClasses.Distinct().Where(c => !subset.Contains(c)).Order().ToList();
        if (outside.Count > 0)
        {
            var shown = namesAreFolders && namesInModelOrder is not null
                ? string.Join(", ", outside.Take(10).Select(c => c < namesInModelOrder.Count ? namesInModelOrder[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                : string.Join(", ", outside.Take(10).Select(c => $"output {c}"));
            throw new DatasetException($"{outside.Count} class(es) of the dataset are not in the class subset ({shown}{(outside.Count > 10 ? ", …" : "")}): their images could never be scored right. Pass the subset that covers the dataset's classes.");
        }
    }

    /// <summary>A report note when the dataset covers fewer classes than the model and no subset says how to score them.</summary>
    public static string? UncoveredNote(ClassSubset? subset, int datasetClasses, int modelClasses) =>
        subset is null && datasetClasses > 0 && datasetClasses < modelClasses
            ? $"The dataset covers {datasetClasses} of the model's {modelClasses} classes and was scored over all {modelClasses}; ImageNet-A and ImageNet-R are conventionally scored with --class-subset (masked)."
            : null;
}
