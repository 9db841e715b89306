using CsCheck;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Tests.Datasets;

namespace SENet.Evaluation.Tests.Properties;

/// <summary>
/// Labelling a blob-like listing as it streams never gives an image a label that the whole-list rule would not: over
/// folder names built from characters that sort before '/' (so that longer names list before their prefixes), digits
/// (class indices) and letters, with the folder listing answering after any number of files, the streamed labels equal
/// the whole list's, or planning fails with a <see cref="DatasetException"/>; and where every folder follows one
/// convention and the whole list is accepted, the streamed labelling is accepted too.
/// </summary>
public sealed class StreamedClassFoldersProperties
{
    private static readonly Gen<string> FolderNames = Gen.Char["ab-. 1"].Array[1, 4].Select(chars => new string(chars)).Where(n => n.Trim() == n);

    [Fact]
    public void Streamed_labels_are_the_whole_lists_or_planning_fails()
    {
        var datasets =
            from folders in FolderNames.HashSet[1, 6]
            from filesPerFolder in Gen.Int[1, 3].Array[folders.Count]
            from answerAfter in Gen.Int[0, 20]
            from extraClasses in Gen.Int[0, 1]
            select (Files: folders.Zip(filesPerFolder).SelectMany(f => Enumerable.Range(0, f.Second).Select(i => $"{f.First}/{i}.jpg")).ToList(),
                folders, answerAfter, ModelClasses: folders.Count + extraClasses);

        datasets.Sample(dataset =>
        {
            var expected = Outcome(() => StreamedClassFoldersTests.WholeListLabelsAsync(new VirtualFolderListing(dataset.Files), dataset.ModelClasses));
            var streamed = Outcome(() => StreamedLabelsAsync(new VirtualFolderListing(dataset.Files), dataset.ModelClasses, dataset.answerAfter));
            var oneConvention = dataset.folders.Select(f => ClassFolders.Recognise([f])).Distinct().Count() == 1;
            return streamed.Labels is { } labels
                ? expected.Labels is { } whole && labels.SequenceEqual(whole)
                : streamed.Error is DatasetException && (expected.Labels is null || !oneConvention);
        }, iter: 300);
    }

    private static async Task<Dictionary<string, int>> StreamedLabelsAsync(VirtualFolderListing source, int modelClasses, int answerAfter)
    {
        var streamed = new StreamedClassFolders(modelClasses, null, () => ImageFolderClasses.OpenAsync(source, new DatasetSpec(), modelClasses, CancellationToken.None));
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        var listed = 0;
        await foreach (var file in source.ListFilesAsync("", CancellationToken.None))
        {
            if (++listed == answerAfter)
            {
                streamed.StartFolderListing();
                source.ReleaseFolders();
            }

            var label = streamed.LabelAsync(file, CancellationToken.None);
            if (!label.IsCompleted)
            {
                // The labelling waits for the folder list: it answers now rather than after the chosen file.
                source.ReleaseFolders();
            }

            if (await label is { } image)
            {
                labels.Add(image.Path, image.Label);
            }
        }

        source.ReleaseFolders();
        await streamed.ClassesAsync(CancellationToken.None);
        return labels;
    }

    private static (Dictionary<string, int>? Labels, Exception? Error) Outcome(Func<Task<Dictionary<string, int>>> labelling)
    {
        try
        {
            return (labelling().GetAwaiter().GetResult(), null);
        }
        catch (Exception e)
        {
            return (null, e);
        }
    }
}
