using System.Globalization;

namespace SENet.Evaluation.Datasets;

/// <summary>
/// Labels an ImageFolder listing's files as they stream, while the class-folder listing still runs alongside, for
/// sources whose folders exist only while a file lies under them (<see cref="IDatasetSource.FoldersExistOnlyWithFiles"/>):
/// there the files name every folder, in order, whereas a folder listing may walk every blob first (Azurite: ~6 s for
/// 100,000 blobs) and hold back the first shard. A folder is labelled at once only where no folder still to come can
/// change its label under <see cref="ImageFolderClasses"/>' rule: a class index is its number; an ImageNet-1k WordNet id
/// is its ImageNet index (a 1,000-class model); any other name is its place among the folders listed so far, since no
/// folder sorting before it can still come, unless its name holds a character that sorts before '/' ('cat-dog/…' lists
/// before 'cat/…'). Any other folder waits for the folder listing. When that listing ends, every label given is checked
/// against the rule over the whole folder list, and a difference fails the planning, naming the folders: no image is
/// scored against a label that the rule would not give it. One instance labels one listing, file after file.
/// </summary>
/// <param name="listFolders">
/// Starts the folder listing, mapped by the whole-list rule: at <see cref="StartFolderListing"/>, or when a folder must
/// wait for it. Azurite answers one listing at a time, and a folder listing there holds every other request for
/// seconds, so the caller starts it once the first shard is out.
/// </param>
/// <param name="confirmed">Told once the labels given so far are confirmed, before any further image is labelled.</param>
public sealed class StreamedClassFolders(int modelClasses, RealLabels? real, Func<Task<ImageFolderClasses>> listFolders, Func<ImageFolderClasses, CancellationToken, Task>? confirmed = null)
    : IImageFolderLabeller
{
    private readonly Dictionary<string, int> _given = new(StringComparer.Ordinal);
    private readonly HashSet<int> _outputsGiven = [];
    private ClassFolderNaming? _naming;
    private string? _lastFolder;
    private ImageFolderClasses? _classes;
    private Task<ImageFolderClasses>? _listed;

    /// <summary>The folders labelled before the folder listing ended (for tests and logs).</summary>
    public int LabelledAhead => _given.Count;

    /// <summary>The folder listing, once started: for the caller to observe when the file listing fails first.</summary>
    public Task? FolderListing => _listed;

    /// <summary>Starts the folder listing now, if nothing has started it yet.</summary>
    public void StartFolderListing() => _listed ??= listFolders();

    public async ValueTask<LabelledImage?> LabelAsync(string file, CancellationToken cancellationToken)
    {
        if (_classes is null && _listed is { IsCompleted: true })
        {
            await ConfirmAsync(cancellationToken);
        }

        if (_classes is not null)
        {
            return _classes.Label(file);
        }

        if (ImageFolderClasses.ClassFolderOf(file) is not { } folder)
        {
            return null;
        }

        // Every folder counts, whether or not it holds an image: a folder of text files still takes its class index.
        if (!_given.TryGetValue(folder, out var label))
        {
            if (Speculate(folder) is not { } given)
            {
                // Confirmed from here on (or refused): no later folder is labelled ahead of the list.
                await ConfirmAsync(cancellationToken);
                return _classes!.Label(file);
            }

            (_given[folder], _lastFolder, label) = (given, folder, given);
            _outputsGiven.Add(given);
        }

        return ImageFiles.IsImage(file) ? ImageFolderClasses.Labelled(file, label, real) : null;
    }

    public async ValueTask<ImageFolderClasses> ClassesAsync(CancellationToken cancellationToken)
    {
        if (_classes is null)
        {
            await ConfirmAsync(cancellationToken);
        }

        return _classes!;
    }

    /// <summary>The folder's label when no folder still to come can change it; null when it must wait for the folder list.</summary>
    private int? Speculate(string folder)
    {
        if (_lastFolder is not null && string.CompareOrdinal(folder, _lastFolder) <= 0)
        {
            return null;
        }

        var naming = ClassFolders.Recognise([folder]);
        _naming ??= naming;
        if (naming != _naming)
        {
            // Mixed conventions: the whole list decides how all of them read.
            return null;
        }

        int? label = naming switch
        {
            ClassFolderNaming.ClassIndices => int.Parse(folder, NumberStyles.None, CultureInfo.InvariantCulture),
            ClassFolderNaming.WordNetIds when modelClasses == ImageNetClasses.Count => ImageNetClasses.IndexOf(folder) is >= 0 and var index ? index : null,
            _ => ListsInSortedOrder(folder) ? _given.Count : null,
        };

        // Past the model's outputs, or a second folder for one output: the whole list's rule words the refusal.
        return label is { } output && output < modelClasses && !_outputsGiven.Contains(output) ? output : null;
    }

    /// <summary>
    /// Whether a folder's files list where the folder sorts: a character before '/' lets a longer name's files list
    /// before a shorter prefix's, and characters from U+D800 up sort apart in UTF-16 and in the store's UTF-8.
    /// </summary>
    private static bool ListsInSortedOrder(string folder) => !folder.Any(c => c < '/' || c >= '\uD800');

    private async Task ConfirmAsync(CancellationToken cancellationToken)
    {
        StartFolderListing();
        var classes = await _listed!.WaitAsync(cancellationToken);
        var differ = _given
            .Select(g => (Folder: g.Key, Given: g.Value, Final: classes.Folders.ModelIndex.TryGetValue(g.Key, out var final) ? final : (int?)null))
            .Where(d => d.Final != d.Given)
            .OrderBy(d => d.Folder, StringComparer.Ordinal)
            .Select(d => d.Final is { } final
                ? $"'{d.Folder}' was labelled {d.Given}, the list gives it {final}"
                : $"'{d.Folder}' was labelled {d.Given}, the list has no such folder")
            .ToList();
        if (differ.Count > 0)
        {
            throw new DatasetException(
                $"The class folders of '{classes.Source}' were labelled as the listing streamed, and the whole folder list ({classes.Folders.Description}) labels {differ.Count} of them otherwise: " +
                $"{string.Join("; ", differ.Take(5))}{(differ.Count > 5 ? "; …" : "")}. Folder names that mix conventions (class indices, WordNet ids, other names), or a dataset changed while it was listed, do this. " +
                "Give the folders one convention, or pass --model-classes with the model's classes in output order, which maps every folder by name from the folder list.");
        }

        _classes = classes;
        if (confirmed is not null)
        {
            await confirmed(classes, cancellationToken);
        }
    }
}
