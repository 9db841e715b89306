using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Datasets;

/// <summary>
/// Lists a dataset, reads its labels and class lists, and checks them against the model's class count before any
/// image is read: every image gets a label in the model's output order, or an issue named by image.
/// </summary>
public static class DatasetPlanner
{
    private const int IssuesShownInErrors = 10;

    public static async Task<DatasetPlan> PlanAsync(IDatasetSource source, DatasetSpec spec, int modelClasses, CancellationToken cancellationToken = default)
    {
        var layout = spec.Layout == DatasetLayout.Auto
            ? spec.LabelsFile is null ? DatasetLayout.ImageFolder : DatasetLayout.Flat
            : spec.Layout;
        if (layout == DatasetLayout.ImageFolder)
        {
            return await PlanImageFolderAsync(source, spec, modelClasses, cancellationToken);
        }

        var files = new List<string>();
        var ignored = 0;
        await foreach (var file in source.ListFilesAsync("", cancellationToken))
        {
            if (ImageFiles.IsImage(file))
            {
                files.Add(file);
            }
            else
            {
                ignored++;
            }
        }

        var issues = new List<DatasetIssue>();
        var (images, classNames, classesFrom) = await PlanFlatAsync(source, spec, files, issues, cancellationToken);

        if (images.Count == 0 && issues.Count == 0)
        {
            throw new DatasetException(
                $"No images found in '{source.Description}' ({layout} layout; image files end in {string.Join(", ", ImageFiles.Extensions)}). Check the folder and the labels file.");
        }

        var order = await ModelOrderAsync(source, spec, classNames, modelClasses, cancellationToken, classesFrom);
        images = MapToModelOrder(images, order, modelClasses);
        // Names follow the labels into the model's order: index c of the report and of the predictions is model output c.
        classNames = order is null ? classNames : [.. order.ModelClassNames];

        var subset = await LabelConventions.LoadSubsetAsync(source, spec, modelClasses, classNames, cancellationToken);
        LabelConventions.CheckCovered(subset, images.Select(i => i.Label), classNames, namesAreFolders: false);
        if (await LabelConventions.LoadRealAsync(source, spec, modelClasses, cancellationToken) is { } real)
        {
            images = real.Attach(images);
            if (images.Count > 0 && images.All(i => i.RealLabels is null))
            {
                throw new DatasetException($"The label sets file '{StorageLocation.Redact(spec.RealLabelsFile!)}' lists none of the dataset's images. Pass the label sets of this dataset (real.json lists ImageNet's validation images ILSVRC2012_val_NNNNNNNN).");
            }
        }

        if (issues.Count > 0 && spec.OnMissing == MissingPolicy.Fail)
        {
            throw new DatasetException(
                $"The dataset has {issues.Count} problem(s): {string.Join("; ", issues.Take(IssuesShownInErrors))}" +
                (issues.Count > IssuesShownInErrors ? $"; and {issues.Count - IssuesShownInErrors} more" : "") +
                ". Fix the labels, or run with --on-missing skip-and-report to evaluate the rest and list every problem in the report.");
        }

        return new DatasetPlan(source.Description, images, classNames ?? [], issues, ignored) { Subset = subset };
    }

    /// <summary>
    /// An ImageFolder dataset, labelled by <see cref="ImageFolderClasses"/> (torchvision's rule: classes are the folders,
    /// an empty one included), the rule the coordinator's <see cref="ImageFolderSharder"/> follows.
    /// </summary>
    private static async Task<DatasetPlan> PlanImageFolderAsync(IDatasetSource source, DatasetSpec spec, int modelClasses, CancellationToken cancellationToken)
    {
        var classes = await ImageFolderClasses.OpenAsync(source, spec, modelClasses, cancellationToken);
        var images = new List<LabelledImage>();
        var (ignored, withLabelSets) = (0, 0L);
        await foreach (var file in source.ListFilesAsync("", cancellationToken))
        {
            if (classes.Label(file) is { } image)
            {
                images.Add(image);
                withLabelSets += image.RealLabels is null ? 0 : 1;
            }
            else
            {
                ignored++;
            }
        }

        classes.CheckFound(images.Count, withLabelSets);
        return new DatasetPlan(source.Description, images, [.. classes.ClassNames], [], ignored)
        {
            Subset = classes.Subset,
            FolderLayout = classes.Folders.Description,
            Note = classes.Note,
        };
    }

    /// <summary>
    /// What can be checked of a labels-file dataset before its listing: the labels file parses, the class list reads, and
    /// the classes agree with the model's. Reads the labels file whole (it is needed whole to plan); lists nothing.
    /// </summary>
    public static async Task CheckLabelsAsync(IDatasetSource source, DatasetSpec spec, int modelClasses, CancellationToken cancellationToken)
    {
        var (_, classes, classesFrom, _) = await ReadLabelsAsync(source, spec, cancellationToken);
        await ModelOrderAsync(source, spec, classes, modelClasses, cancellationToken, classesFrom);
    }

    private static async Task<(List<LabelEntry> Entries, List<string>? Classes, string? ClassesFrom, string LabelsFile)> ReadLabelsAsync(
        IDatasetSource source, DatasetSpec spec, CancellationToken cancellationToken)
    {
        string? classesFrom = null;
        var labelsLocation = spec.LabelsFile ?? throw new DatasetException("A flat dataset needs a labels file: pass --labels (Caffe val.txt, Kaggle LOC_val_solution.csv, or a path,label CSV).");
        var text = await ReadTextAsync(source, spec, labelsLocation, "--labels", cancellationToken);
        // Shown in messages and reports: a SAS in a labels URL is a secret.
        var labelsFile = StorageLocation.Redact(labelsLocation);
        var format = spec.LabelFormat == LabelFormat.Auto ? LabelFileParser.Detect(labelsFile, text) : spec.LabelFormat;
        var entries = LabelFileParser.Parse(labelsFile, text, format);

        var classListFile = spec.ClassListFile;
        if (classListFile is null && format == LabelFormat.KaggleSolution)
        {
            classListFile = StorageLocation.Sibling(labelsLocation, "LOC_synset_mapping.txt");
        }

        var classes = classListFile is null ? null : LabelFileParser.ParseClassList(await ReadTextAsync(source, spec, classListFile, "--class-list", cancellationToken));
        if (classes is not null)
        {
            classesFrom = StorageLocation.Redact(classListFile!);
        }
        else if (entries.Any(e => e.ClassName is not null))
        {
            // Class names without a class list: sorted names become indices, as ImageFolder does with folders.
            classes = entries.Where(e => e.ClassName is not null).Select(e => e.ClassName!).Distinct().Order(StringComparer.Ordinal).ToList();
            classesFrom = labelsFile;
        }

        return (entries, classes, classesFrom, labelsFile);
    }

    private static async Task<(List<LabelledImage> Images, List<string>? Classes, string? ClassesFrom)> PlanFlatAsync(
        IDatasetSource source, DatasetSpec spec, List<string> files, List<DatasetIssue> issues, CancellationToken cancellationToken)
    {
        var (entries, classes, classesFrom, labelsFile) = await ReadLabelsAsync(source, spec, cancellationToken);
        var classIndex = classes?.Select((name, i) => (name, i)).GroupBy(p => p.name).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        var existing = files.ToHashSet(StringComparer.Ordinal);
        var listed = new Dictionary<string, LabelEntry>(StringComparer.Ordinal);
        var images = new List<LabelledImage>();
        foreach (var entry in entries)
        {
            var path = entry.Path.Replace('\\', '/');
            if (listed.TryGetValue(path, out var first))
            {
                issues.Add(new DatasetIssue(path, DatasetIssueKind.DuplicateEntry,
                    $"listed again at line {entry.Line} of '{labelsFile}' (first at line {first.Line}); the first entry is used"));
                continue;
            }

            listed[path] = entry;
            if (!existing.Contains(path))
            {
                issues.Add(new DatasetIssue(path, DatasetIssueKind.MissingImage, $"listed at line {entry.Line} of '{labelsFile}' but no such image exists"));
                continue;
            }

            var label = entry.Index;
            if (entry.ClassName is { } name && !classIndex!.TryGetValue(name, out var found))
            {
                issues.Add(new DatasetIssue(path, DatasetIssueKind.UnknownClass, $"the class at line {entry.Line} of '{labelsFile}' is not in the class list"));
                continue;
            }
            else if (entry.ClassName is { } known)
            {
                label = classIndex![known];
            }

            images.Add(new LabelledImage(path, label!.Value));
        }

        if (entries.Count > 0 && !entries.Any(e => existing.Contains(e.Path.Replace('\\', '/'))))
        {
            // Named without quoting any entry: a file that is not this dataset's labels (perhaps not a labels file at all)
            // would otherwise be echoed back line by line as "missing images".
            throw new DatasetException($"No entry of the labels file '{labelsFile}' names an image of '{source.Description}'. Pass this dataset's labels file, with paths relative to the data folder.");
        }

        foreach (var file in files.Where(f => !listed.ContainsKey(f)))
        {
            issues.Add(new DatasetIssue(file, DatasetIssueKind.MissingLabel, $"image has no entry in '{labelsFile}'"));
        }

        return (images, classes, classesFrom);
    }

    private static List<LabelledImage> MapToModelOrder(List<LabelledImage> images, ModelClassOrder? order, int modelClasses)
    {
        if (order is not null)
        {
            return images.Select(i => i with { Label = order.DatasetToModel[i.Label] }).ToList();
        }

        var outOfRange = images.FirstOrDefault(i => i.Label >= modelClasses);
        if (outOfRange is not null)
        {
            throw new DatasetException($"Image '{outOfRange.Path}' has label {outOfRange.Label}, outside the model's {modelClasses} classes (0–{modelClasses - 1}). Check that the labels and the model use the same class set.");
        }

        return images;
    }

    /// <summary>
    /// Checks the dataset's classes against the model's before any image is read, and returns the model output
    /// index of each dataset class and the model's class names when a model class list reorders them (null: dataset
    /// order is model order).
    /// Class names are quoted only when they are folder names (<paramref name="classesFrom"/> null): names read from a
    /// submitted file are its content, so a message points at the file instead.
    /// </summary>
    public static async Task<ModelClassOrder?> ModelOrderAsync(IDatasetSource source, DatasetSpec spec, IReadOnlyList<string>? datasetClasses, int modelClasses, CancellationToken cancellationToken,
        string? classesFrom = null)
    {
        if (spec.ModelClassesFile is { } modelClassesFile)
        {
            var shownModelClasses = StorageLocation.Redact(modelClassesFile);
            var modelOrder = LabelFileParser.ParseClassListLines(await ReadTextAsync(source, spec, modelClassesFile, "--model-classes", cancellationToken));
            if (modelOrder.Count > modelClasses)
            {
                throw new DatasetException($"The model class list '{shownModelClasses}' names more classes than the model's {modelClasses} outputs (line {modelOrder[modelClasses].Line} names one too many). Pass the list of the model's output order.");
            }

            if (modelOrder.Count < modelClasses)
            {
                throw new DatasetException($"The model class list '{shownModelClasses}' names fewer classes than the model's {modelClasses} outputs. Pass the list of the model's output order, one class a line.");
            }

            if (datasetClasses is null)
            {
                throw new DatasetException("A model class list maps dataset class names to model outputs, but these labels are bare integers. Pass the dataset's class order with --class-list.");
            }

            var modelIndex = modelOrder.Select((c, i) => (c.Name, i)).GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
            var unknown = datasetClasses.Where(c => !modelIndex.ContainsKey(c)).ToList();
            if (unknown.Count > 0)
            {
                throw new DatasetException(classesFrom is null
                    ? $"{unknown.Count} dataset class(es) are not in the model class list '{shownModelClasses}': {string.Join(", ", unknown.Take(10))}. The list must name every dataset class."
                    : $"Classes named in '{classesFrom}' are not in the model class list '{shownModelClasses}'. The model class list must name every dataset class.");
            }

            return new ModelClassOrder(datasetClasses.Select(c => modelIndex[c]).ToArray(), modelOrder.Select(c => c.Name).ToList());
        }

        if (datasetClasses is not null && datasetClasses.Count != modelClasses)
        {
            throw new DatasetException(classesFrom is null
                ? $"The model outputs {modelClasses} classes but the dataset has {datasetClasses.Count} ({string.Join(", ", datasetClasses.Take(5))}{(datasetClasses.Count > 5 ? ", …" : "")}). " +
                  "Use a model with as many classes as the dataset, or pass --model-classes with the model's class order to map between them."
                : $"The model outputs {modelClasses} classes but '{classesFrom}' names {(datasetClasses.Count > modelClasses ? "more" : "fewer")}. " +
                  "Use a model with as many classes as the dataset, or pass --model-classes with the model's class order to map between them.");
        }

        return null;
    }

    /// <summary>
    /// A labels or class file, read where it is named (checked against the input roots there, which also covers a
    /// class list found beside the labels) or else inside the dataset source.
    /// </summary>
    internal static async Task<string> ReadTextAsync(IDatasetSource source, DatasetSpec spec, string path, string option, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            StorageRoots.CheckInput(path, option, spec.Storage ?? new StorageOptions());
            return await TextFiles.ReadLocalAsync(path, cancellationToken);
        }

        if (StorageLocation.LooksLikeBlob(path))
        {
            StorageRoots.CheckInput(path, option, spec.Storage ?? new StorageOptions());
            try
            {
                return await StorageLocation.ReadTextAsync(path, spec.Storage ?? new StorageOptions(), cancellationToken);
            }
            catch (FileNotFoundException)
            {
                throw new DatasetException($"File '{StorageLocation.Redact(path)}' was not found in blob storage.");
            }
        }

        if (await source.ExistsAsync(path, cancellationToken))
        {
            return await source.ReadTextAsync(path, cancellationToken);
        }

        throw new DatasetException($"File '{StorageLocation.Redact(path)}' was not found, neither locally nor in '{source.Description}'.");
    }
}
