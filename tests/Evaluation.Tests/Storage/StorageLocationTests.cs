using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Tests.Storage;

/// <summary>Locations compared as the storage client and the file system will resolve them (no request is made).</summary>
public sealed class StorageLocationTests : IDisposable
{
    private const string Account = "http://127.0.0.1:10000/devstoreaccount1";
    private const string Root = Account + "/results/hroot";

    private static readonly StorageOptions Storage = new()
    {
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;",
    };

    private readonly TempFolder _folder = new();

    [Theory]
    [InlineData(Root + "/%2E%2E/escaped")]
    [InlineData(Root + "/%2e%2e/%2e%2e/other/x")]
    [InlineData(Root + "/.%2E/escaped")]
    [InlineData(Root + "/%2E./escaped")]
    [InlineData(Root + "/..%2F..%2Fother/x")]
    [InlineData(Root + "/%2E%2E%2Fescaped/x")]
    [InlineData(Root + "/x/%2E%2E")]
    [InlineData(Root + "/%5C..%5Cescaped")]
    [InlineData(Root + "\\..\\escaped")]
    [InlineData(Root + "/../escaped")]
    [InlineData(Root + "/./x")]
    [InlineData(Root + "/x#/../../escaped")]
    [InlineData(Root + "/%00/x")]
    [InlineData(Root + "/%2E%2E/escaped?sv=2026-06-06&sig=secret")]
    [InlineData("az://results/hroot/../escaped")]
    [InlineData("az://results/hroot/%2E%2E/escaped")]
    public void EveryDotSegmentSpellingIsRefusedBeforeTheClientResolvesIt(string location)
    {
        var parse = Assert.Throws<ArgumentException>(() => StorageLocation.Parse(location, Storage));
        var compare = Assert.Throws<ArgumentException>(() => StorageLocation.IsUnder(location, Root, Storage, orSame: false));

        Assert.Matches("'\\.' or '\\.\\.' segment|fragment|control character", parse.Message);
        Assert.DoesNotContain("secret", parse.Message);
        Assert.Equal(parse.Message, compare.Message);
    }

    [Theory]
    [InlineData(Root + "/run1", true)]
    [InlineData(Root + "/run1?sv=2026-06-06&sig=abc", true)]
    [InlineData("HTTP://127.0.0.1:10000/devstoreaccount1/results/hroot/run1", true)]
    [InlineData("az://results/hroot/run1", true)]
    [InlineData(Root + "/%252E%252E/literal", true)]
    [InlineData(Root, false)]
    [InlineData(Root + "2/run1", false)]
    [InlineData(Account + "/other/hroot/run1", false)]
    [InlineData("http://127.0.0.1:10001/devstoreaccount1/results/hroot/run1?sig=abc", false)]
    [InlineData("https://devstoreaccount1.blob.core.windows.net/results/hroot/run1", false)]
    public void BlobLocationsAreComparedInTheFormTheClientAddresses(string location, bool under)
    {
        Assert.Equal(under, StorageLocation.IsUnder(location, Root, Storage, orSame: false));
    }

    [Fact]
    public void LocalPathsAreComparedWithTheirLinksResolved()
    {
        var root = Directory.CreateDirectory(Path.Combine(_folder.Path, "root")).FullName;
        var elsewhere = Directory.CreateDirectory(Path.Combine(_folder.Path, "elsewhere")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(root, "escape"), elsewhere);
        Directory.CreateSymbolicLink(Path.Combine(_folder.Path, "alias"), root);
        Directory.CreateSymbolicLink(Path.Combine(root, "dangling"), Path.Combine(elsewhere, "not-yet"));

        Assert.True(StorageLocation.IsUnder(Path.Combine(root, "run1"), root, Storage, orSame: false));
        Assert.False(StorageLocation.IsUnder(Path.Combine(root, "escape", "run1"), root, Storage, orSame: false));
        Assert.False(StorageLocation.IsUnder(Path.Combine(root, "..", "elsewhere"), root, Storage, orSame: false));
        Assert.False(StorageLocation.IsUnder(Path.Combine(root, "dangling", "run1"), root, Storage, orSame: false));
        Assert.True(StorageLocation.IsUnder(Path.Combine(_folder.Path, "alias", "new", "run1"), root, Storage, orSame: false));
        Assert.False(StorageLocation.IsUnder(Root + "/run1", root, Storage, orSame: true));
        Assert.True(StorageLocation.IsUnder(root, root, Storage, orSame: true));
        Assert.False(StorageLocation.IsUnder(root, root, Storage, orSame: false));
    }

    [Fact]
    public void InputRootsRefuseEveryLocationOutsideThemNamingTheOption()
    {
        var data = Directory.CreateDirectory(Path.Combine(_folder.Path, "data")).FullName;
        File.CreateSymbolicLink(Path.Combine(data, "passwd"), "/etc/passwd");
        var storage = new StorageOptions { ConnectionString = Storage.ConnectionString, InputRoots = [data, Root] };

        StorageRoots.CheckInput(Path.Combine(data, "val"), "--data", storage);
        StorageRoots.CheckInput(Root + "/labels.txt", "--labels", storage);
        StorageRoots.CheckInput("/etc/passwd", "--labels", new StorageOptions());
        var outside = Assert.Throws<UnauthorizedAccessException>(() => StorageRoots.CheckInput("/etc/passwd", "--labels", storage));
        var linked = Assert.Throws<UnauthorizedAccessException>(() => StorageRoots.CheckInput(Path.Combine(data, "passwd"), "--model-classes", storage));
        Assert.Throws<UnauthorizedAccessException>(() => StorageRoots.CheckInput(Account + "/results/other/m.onnx", "--model", storage));

        Assert.Contains("--labels '/etc/passwd' is outside the locations this cluster reads from (SENet:Storage:InputRoots", outside.Message);
        Assert.Contains("--model-classes", linked.Message);
    }

    public void Dispose() => _folder.Dispose();
}
