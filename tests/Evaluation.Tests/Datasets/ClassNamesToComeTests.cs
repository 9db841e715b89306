using SENet.Evaluation.Datasets;
using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Tests.Datasets;

/// <summary>A worker that scored a shard before planning confirmed the class folders waits for their names to write its predictions.</summary>
public sealed class ClassNamesToComeTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task NamesStillToComeAreWaitedFor()
    {
        var store = new LocalOutputStore(_folder.Path);
        var read = ShardManifest.ReadClassNamesAsync(store, toCome: true, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(read.IsCompleted);

        await ShardManifest.WriteClassNamesAsync(store, ["cat", "dog"], CancellationToken.None);

        Assert.Equal(["cat", "dog"], await read.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task NamesNotToComeAreNoneAtOnceAndAWaitEndsWithTheLease()
    {
        var store = new LocalOutputStore(_folder.Path);
        Assert.Empty(await ShardManifest.ReadClassNamesAsync(store, toCome: false, CancellationToken.None));

        using var leaseLost = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ShardManifest.ReadClassNamesAsync(store, toCome: true, leaseLost.Token));
    }

    [Fact]
    public async Task TheLabelManifestCarriesThePromiseAndDropsItWhenRewritten()
    {
        var store = new LocalOutputStore(_folder.Path);
        await (LabelManifest.From(null, false, null, null) with { ClassNamesToCome = true }).WriteAsync(store, CancellationToken.None);
        Assert.True((await LabelManifest.ReadAsync(store, CancellationToken.None))!.ClassNamesToCome);

        await LabelManifest.From(null, false, "named class folders", null).WriteAsync(store, CancellationToken.None);
        Assert.False((await LabelManifest.ReadAsync(store, CancellationToken.None))!.ClassNamesToCome);
    }

    public void Dispose() => _folder.Dispose();
}
