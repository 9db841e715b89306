using System.Runtime.InteropServices;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;
using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Tests.Datasets;

/// <summary>Poison files in a local dataset: links, pipes, devices, huge and hidden files.</summary>
public sealed partial class LocalFolderSourceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string Data => Path.Combine(_folder.Path, "data");

    [Fact]
    public async Task ASymlinkLoopInAClassFolderListsEachImageOnceInBothPlanners()
    {
        await SyntheticImages.WriteImageFolderAsync(Data, classes: 2, imagesPerClass: 4);
        var classFolders = Directory.GetDirectories(Data).Order(StringComparer.Ordinal).ToList();
        Directory.CreateSymbolicLink(Path.Combine(classFolders[1], "loop"), "..");
        var source = new LocalFolderSource(Data);

        var plan = await DatasetPlanner.PlanAsync(source, new DatasetSpec(), modelClasses: 2);
        var sharded = await ImageFolderSharder.PlanAsync(source, new DatasetSpec(), 2, new LocalOutputStore(Path.Combine(_folder.Path, "out")), shardSize: 100, CancellationToken.None);

        Assert.Equal(8, plan.Images.Count);
        Assert.All(plan.Images, i => Assert.DoesNotContain("loop", i.Path));
        Assert.Equal([4, 4], plan.Images.GroupBy(i => i.Label).Select(g => g.Count()));
        Assert.Equal([8], sharded.ShardSizes);
        Assert.Equal(plan.ClassNames, sharded.ClassNames);
    }

    [Fact]
    public async Task ASymlinkedFolderLeavingTheDatasetIsNeitherListedNorAClass()
    {
        await SyntheticImages.WriteImageFolderAsync(Data, classes: 2, imagesPerClass: 2);
        var outside = Path.Combine(_folder.Path, "outside");
        await SyntheticImages.WriteImageFolderAsync(outside, classes: 1, imagesPerClass: 3);
        Directory.CreateSymbolicLink(Path.Combine(Data, "zz_linked_class"), Directory.GetDirectories(outside).Single());
        Directory.CreateSymbolicLink(Path.Combine(Directory.GetDirectories(Data).Order(StringComparer.Ordinal).First(), "nested"), outside);
        var source = new LocalFolderSource(Data);

        var plan = await DatasetPlanner.PlanAsync(source, new DatasetSpec(), modelClasses: 2);
        var folders = await source.ListFoldersAsync(CancellationToken.None).ToListAsync();

        Assert.Equal(4, plan.Images.Count);
        Assert.Equal(plan.ClassNames, folders);
        Assert.DoesNotContain("zz_linked_class", folders);
    }

    [Fact]
    public async Task ASymlinkedFileIsReadWithinTheDatasetAndRefusedWhenItLeadsOutside()
    {
        _folder.Write("secret.txt", "password");
        _folder.Write("data/a/real.jpg", [1, 2, 3]);
        File.CreateSymbolicLink(Path.Combine(Data, "a", "inside.jpg"), Path.Combine(Data, "a", "real.jpg"));
        File.CreateSymbolicLink(Path.Combine(Data, "a", "outside.jpg"), Path.Combine(_folder.Path, "secret.txt"));
        File.CreateSymbolicLink(Path.Combine(Data, "a", "relative.jpg"), "../../secret.txt");
        var source = new LocalFolderSource(Data);

        using var inside = await source.ReadAsync("a/inside.jpg", CancellationToken.None);
        var outside = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => source.ReadAsync("a/outside.jpg", CancellationToken.None));
        var relative = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => source.ReadAsync("a/relative.jpg", CancellationToken.None));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => source.ReadTextAsync("a/outside.jpg", CancellationToken.None));

        Assert.Equal([1, 2, 3], inside.Memory.ToArray());
        Assert.Contains("outside the dataset folder", outside.Message);
        Assert.DoesNotContain("secret", outside.Message + relative.Message);
    }

    [Fact]
    public async Task HiddenFilesAndFoldersAreImagesLikeAnyOther()
    {
        _folder.Write("data/a/.hidden.jpg", [1]);
        _folder.Write("data/a/shown.jpg", [1]);
        _folder.Write("data/.b/x.jpg", [1]);
        var source = new LocalFolderSource(Data);

        var files = await source.ListFilesAsync("", CancellationToken.None).ToListAsync();
        var folders = await source.ListFoldersAsync(CancellationToken.None).ToListAsync();

        Assert.Equal([".b/x.jpg", "a/.hidden.jpg", "a/shown.jpg"], files);
        Assert.Equal([".b", "a"], folders);
    }

    [Fact]
    public async Task AFifoADeviceLinkAndAnOversizedSparseFileFailAloneWhileTheGoodImagesAreScored()
    {
        await SyntheticImages.WriteImageFolderAsync(Data, classes: 2, imagesPerClass: 4);
        var classFolder = Directory.GetDirectories(Data).Order(StringComparer.Ordinal).First();
        Assert.Equal(0, MakeFifo(Path.Combine(classFolder, "x.jpg"), 0x1A4));
        using (var sparse = File.Create(Path.Combine(classFolder, "huge.jpg")))
        {
            sparse.SetLength(3L * 1024 * 1024 * 1024);
        }

        File.CreateSymbolicLink(Path.Combine(classFolder, "zero.jpg"), "/dev/zero");
        Directory.CreateSymbolicLink(Path.Combine(Data, "devices"), "/dev");
        var source = new LocalFolderSource(Data);
        var plan = await DatasetPlanner.PlanAsync(source, new DatasetSpec(), modelClasses: 2);
        using var session = ClassifierSession.Create(
            SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 2, InputSize: 32)), new ClassifierSessionOptions(InferenceDevice.Cpu, 4));
        using var decoder = new ImageDecoder();

        var result = await new EvaluationPipeline(session, source, decoder, new PreprocessSpec(32)).RunAsync(plan.Images);

        Assert.Equal(11, plan.Images.Count);
        Assert.Equal(8, result.Counts.Images);
        Assert.Equal(3, result.Counts.Failed);
        var reasons = result.Failures.ToDictionary(f => Path.GetFileName(f.ImageId), f => f.Reason);
        Assert.Contains("named pipe (FIFO), not a regular file", reasons["x.jpg"]);
        Assert.Contains("3,221,225,472 bytes, over the limit of 268,435,456 bytes per file (--max-file-bytes)", reasons["huge.jpg"]);
        Assert.Contains("outside the dataset folder", reasons["zero.jpg"]);
    }

    [Fact]
    public async Task TheSizeLimitIsCheckedBeforeReadingAndADeviceInsideTheRootIsNotARegularFile()
    {
        _folder.Write("data/a/big.jpg", new byte[1000]);
        var source = new LocalFolderSource(Data);

        var tooBig = await Assert.ThrowsAsync<FileRefusedException>(() => source.ReadAsync("a/big.jpg", maxBytes: 999, CancellationToken.None));
        using var fits = await source.ReadAsync("a/big.jpg", maxBytes: 1000, CancellationToken.None);
        var device = await Assert.ThrowsAsync<FileRefusedException>(() => new LocalFolderSource("/dev").ReadAsync("zero", CancellationToken.None));

        Assert.Contains("1,000 bytes, over the limit of 999", tooBig.Message);
        Assert.Equal(1000, fits.Memory.Length);
        Assert.Contains("character device, not a regular file", device.Message);
    }

    public void Dispose() => _folder.Dispose();

    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeFifo(string path, uint mode);
}
