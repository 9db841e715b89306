using SENet.Contracts.Jobs;
using SENet.Evaluation.Storage;
using SENet.Grains.Jobs;

namespace SENet.Cluster.Tests;

/// <summary>The label sets and class subset files are inputs like the labels file: inside the input roots, and shown to clients without a SAS.</summary>
public sealed class LabelFileAccessTests
{
    private static readonly JobSpec Spec = new() { ModelPath = "/inputs/model.onnx", DataPath = "/inputs/val" };

    [Theory]
    [InlineData("--real-labels")]
    [InlineData("--class-subset")]
    public void ALabelFileOutsideTheInputRootsIsRefusedNamingTheOption(string option)
    {
        var spec = option == "--real-labels" ? Spec with { RealLabelsFile = "/etc/secret/real.json" } : Spec with { ClassSubsetFile = "/etc/secret/subset.txt" };

        var error = Assert.Throws<UnauthorizedAccessException>(() => JobInputAccess.Check(spec, new StorageOptions { InputRoots = ["/inputs"] }));

        Assert.Contains($"{option} '/etc/secret/", error.Message);
    }

    [Fact]
    public void ClientsSeeLabelFilesWithoutTheirSas()
    {
        var spec = Spec with
        {
            RealLabelsFile = "https://acct.blob.core.windows.net/labels/real.json?sv=2024&sig=SECRET",
            ClassSubsetFile = "https://acct.blob.core.windows.net/labels/subset.txt?sig=SECRET",
        };

        var shown = ClientView.Redacted(spec);

        Assert.DoesNotContain("SECRET", shown.RealLabelsFile);
        Assert.DoesNotContain("SECRET", shown.ClassSubsetFile);
        Assert.StartsWith("https://acct.blob.core.windows.net/labels/real.json", shown.RealLabelsFile);
    }
}
