using SENet.Evaluation.Imaging;

namespace SENet.Evaluation.Tests.Imaging;

public sealed class ViewSpecTests
{
    [Theory]
    [InlineData("center", CropView.Center, null, null, "center")]
    [InlineData("tencrop", CropView.TenCrop, null, null, "tencrop")]
    [InlineData("224@0.875", CropView.Center, 224, 0.875, "224@0.875")]
    [InlineData("320@1.0", CropView.Center, 320, 1.0, "320@1")]
    [InlineData("tencrop@0.9", CropView.TenCrop, null, 0.9, "@0.9/tencrop")]
    [InlineData("224@0.875/tencrop", CropView.TenCrop, 224, 0.875, "224@0.875/tencrop")]
    public void ViewsParseToTheirCropsAndBack(string text, CropView crops, int? size, double? pct, string canonical)
    {
        var view = ViewSpec.Parse(text);

        Assert.Equal(new ViewSpec(crops, size, pct), view);
        Assert.Equal(canonical, view.ToString());
        Assert.Equal(view, ViewSpec.Parse(view.ToString()));
    }

    [Theory]
    [InlineData("fivecrop")]
    [InlineData("224@0")]
    [InlineData("224@1.5")]
    [InlineData("0@0.875")]
    [InlineData("224@NaN")]
    [InlineData("@")]
    public void ViewsThatCannotWorkAreRefusedNamingTheForms(string text) =>
        Assert.Contains(ViewSpec.Forms, Assert.Throws<ArgumentException>(() => ViewSpec.Parse(text)).Message);
}
