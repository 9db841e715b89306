using SENet.Evaluation.Datasets;

namespace SENet.Evaluation.Tests.Datasets;

public sealed class RealLabelsTests
{
    [Fact]
    public void RealJsonEntriesAreImageNetValidationImagesByPositionWhateverTheirFolderOrExtension()
    {
        // A hand-made real.json: several labels, one, none.
        var real = RealLabels.Parse("real.json", "[[3, 7], [1], [], [9]]", modelClasses: 10);

        Assert.Equal([3, 7], real.Lookup("ILSVRC2012_val_00000001.JPEG")!);
        Assert.Equal([1], real.Lookup("n01440764/ILSVRC2012_val_00000002.jpg")!);
        Assert.Equal([], real.Lookup("ILSVRC2012_val_00000003.JPEG")!);
        Assert.Equal([9], real.Lookup("val/ILSVRC2012_val_00000004.png")!);
        Assert.Null(real.Lookup("ILSVRC2012_val_00000005.JPEG"));
        Assert.Null(real.Lookup("other.jpg"));
    }

    [Fact]
    public void AnObjectMapsImagePathsOrFileNamesToLabelSets()
    {
        var real = RealLabels.Parse("sets.json", """{"a/x.jpg": [2], "y.jpg": [], "z.jpg": [0, 0, 4]}""", modelClasses: 5);

        Assert.Equal([2], real.Lookup("a/x.jpg")!);
        Assert.Equal([], real.Lookup("b/y.jpg")!);
        Assert.Equal([0, 4], real.Lookup("z.jpg")!);
        Assert.Null(real.Lookup("b/x.jpg"));
    }

    [Fact]
    public void ModelClassOrderMapsTheLabels()
    {
        var real = RealLabels.Parse("real.json", "[[0, 2]]", modelClasses: 3, toModel: [2, 0, 1]);

        Assert.Equal([2, 1], real.Lookup("ILSVRC2012_val_00000001.JPEG")!);
    }

    [Theory]
    [InlineData("[[1], [\"secret-token\"]]", "Entry 1")]
    [InlineData("[[1], [12]]", "Entry 1")]
    [InlineData("[[1], 5]", "Entry 1")]
    [InlineData("{\"secret-token\": 5}", "Entry 0")]
    [InlineData("\"secret-token\"", "neither a JSON array")]
    [InlineData("[[1], [2", "not valid JSON")]
    public void MalformedFilesAreRefusedWithoutQuotingThem(string json, string expected)
    {
        var error = Assert.Throws<DatasetException>(() => RealLabels.Parse("real.json", json, modelClasses: 10));

        Assert.Contains(expected, error.Message);
        Assert.Contains("'real.json'", error.Message);
        Assert.DoesNotContain("secret-token", error.Message);
    }
}
