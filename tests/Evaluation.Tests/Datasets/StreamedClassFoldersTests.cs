using SENet.Evaluation.Datasets;
using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Tests.Datasets;

public sealed class StreamedClassFoldersTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task ShardsAreWrittenBeforeTheFolderListingAnswersWithTheWholeListsLabels()
    {
        var source = new VirtualFolderListing(Enumerable.Range(0, 40).Select(i => $"class_{i % 4}/img{i:D2}.jpg"));
        var store = new LocalOutputStore(_folder.Path);
        var confirmedBeforeShard = new List<bool>();
        var confirmed = false;
        var streamed = new StreamedClassFolders(4, null, () => ImageFolderClasses.OpenAsync(source, new DatasetSpec(), 4, CancellationToken.None),
            (_, _) => Task.FromResult(confirmed = true));

        var sharded = await ImageFolderSharder.PlanAsync(streamed, source, store, 5, CancellationToken.None, planned: shard =>
        {
            confirmedBeforeShard.Add(confirmed);
            if (shard.Id == 3)
            {
                // Released only now: shards 0–3 were labelled while nothing had answered the folder listing.
                streamed.StartFolderListing();
                source.ReleaseFolders();
            }

            return ValueTask.CompletedTask;
        });

        Assert.Equal([false, false, false, false], confirmedBeforeShard.Take(4));
        Assert.True(confirmed);
        Assert.True(streamed.LabelledAhead >= 2);
        Assert.Equal(8, sharded.ShardSizes.Count);
        Assert.Equal(await WholeListLabelsAsync(source, 4), await ManifestLabelsAsync(store, sharded));
        Assert.Equal(["class_0", "class_1", "class_2", "class_3"], sharded.ClassNames);
    }

    [Fact]
    public async Task AFolderWhoseFilesListBeforeAShorterPrefixTakesItsSortedIndex()
    {
        // 'cat-dog/…' lists before 'cat/…' ('-' sorts before '/'), yet sorted folders give cat 0, cat-dog 1, dog 2.
        var source = new VirtualFolderListing(["cat-dog/1.jpg", "cat-dog/2.jpg", "cat/1.jpg", "dog/1.jpg", "dog/2.jpg"]);
        Assert.Equal("cat-dog/1.jpg", source.Files[0]);
        source.ReleaseFolders();
        var store = new LocalOutputStore(_folder.Path);
        var streamed = new StreamedClassFolders(3, null, () => ImageFolderClasses.OpenAsync(source, new DatasetSpec(), 3, CancellationToken.None));

        var sharded = await ImageFolderSharder.PlanAsync(streamed, source, store, 2, CancellationToken.None);

        var labels = await ManifestLabelsAsync(store, sharded);
        Assert.Equal(1, labels["cat-dog/1.jpg"]);
        Assert.Equal(0, labels["cat/1.jpg"]);
        Assert.Equal(2, labels["dog/2.jpg"]);
        Assert.Equal(await WholeListLabelsAsync(source, 3), labels);
    }

    [Fact]
    public async Task LabelsTheWholeListWouldNotGiveFailThePlanningNamingTheFolders()
    {
        // '1' and '2' read as class indices until 'a' makes the list plain names, sorted: '1' is then class 0, not 1.
        var source = new VirtualFolderListing(["1/x.jpg", "2/x.jpg", "a/x.jpg"]);
        var streamed = new StreamedClassFolders(3, null, () => ImageFolderClasses.OpenAsync(source, new DatasetSpec(), 3, CancellationToken.None));
        source.ReleaseFolders();

        var error = await Assert.ThrowsAsync<DatasetException>(() => ImageFolderSharder.PlanAsync(streamed, source, new LocalOutputStore(_folder.Path), 1, CancellationToken.None));

        Assert.Contains("'1' was labelled 1, the list gives it 0", error.Message);
        Assert.Contains("'2' was labelled 2, the list gives it 1", error.Message);
        Assert.Contains("--model-classes", error.Message);
    }

    [Fact]
    public async Task RefusalsOfTheWholeListStillFailThePlanning()
    {
        // Two folders for a three-class model: the whole list's count check words the refusal.
        var source = new VirtualFolderListing(["a/x.jpg", "b/x.jpg"]);
        var streamed = new StreamedClassFolders(3, null, () => ImageFolderClasses.OpenAsync(source, new DatasetSpec(), 3, CancellationToken.None));
        source.ReleaseFolders();

        var error = await Assert.ThrowsAsync<DatasetException>(() => ImageFolderSharder.PlanAsync(streamed, source, new LocalOutputStore(_folder.Path), 1, CancellationToken.None));

        Assert.Contains("model outputs 3 classes but the dataset has 2", error.Message);
    }

    [Fact]
    public async Task WordNetIdsAndClassIndicesTakeTheirImageNetIndexWithoutTheFolderList()
    {
        var wordNet = new VirtualFolderListing(["n01443537/a.JPEG", "n01514859/a.JPEG", "n15075141/a.JPEG"]);
        var indices = new VirtualFolderListing(["7/a.png", "10/a.png", "999/a.png"]);
        foreach (var (source, expected) in new[] { (wordNet, new[] { 1, 8, 999 }), (indices, new[] { 10, 7, 999 }) })
        {
            var streamed = new StreamedClassFolders(ImageNetClasses.Count, null, () => ImageFolderClasses.OpenAsync(source, new DatasetSpec(), ImageNetClasses.Count, CancellationToken.None));
            var labels = new List<int>();
            foreach (var file in source.Files)
            {
                labels.Add((await streamed.LabelAsync(file, CancellationToken.None))!.Label);
            }

            Assert.Equal(expected, labels);
            Assert.Equal(3, streamed.LabelledAhead);
            Assert.False(source.FoldersAnswered);
            source.ReleaseFolders();
            Assert.Equal(ImageNetClasses.WordNetIds, (await streamed.ClassesAsync(CancellationToken.None)).ClassNames);
        }
    }

    /// <summary>Each image's label under the whole-list rule (<see cref="ImageFolderClasses"/>), the folder list read first.</summary>
    internal static async Task<Dictionary<string, int>> WholeListLabelsAsync(VirtualFolderListing source, int modelClasses)
    {
        source.ReleaseFolders();
        var classes = await ImageFolderClasses.OpenAsync(source, new DatasetSpec(), modelClasses, CancellationToken.None);
        return source.Files.Select(classes.Label).OfType<LabelledImage>().ToDictionary(i => i.Path, i => i.Label, StringComparer.Ordinal);
    }

    private static async Task<Dictionary<string, int>> ManifestLabelsAsync(IOutputStore store, ShardedDataset sharded)
    {
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var shard = 0; shard < sharded.ShardSizes.Count; shard++)
        {
            foreach (var image in await ShardManifest.ReadAsync(store, shard, CancellationToken.None))
            {
                labels.Add(image.Path, image.Label);
            }
        }

        return labels;
    }

    public void Dispose() => _folder.Dispose();
}
