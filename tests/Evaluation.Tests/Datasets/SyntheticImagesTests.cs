using System.Security.Cryptography;
using SENet.Evaluation.Datasets;

namespace SENet.Evaluation.Tests.Datasets;

public sealed class SyntheticImagesTests
{
    // The digest of one rendered image, recorded once. It must not change from process to process: a seed derived from
    // HashCode (randomised per process) made every demo, benchmark and rerun draw other images.
    [Fact]
    public void TheSameArgumentsRenderTheSamePixelsInEveryProcess()
    {
        var pixels = SyntheticImages.RenderRgb(48, 32, classIndex: 3, seed: 7);
        Assert.Equal("0b86f9f90cd15e4604e92d144b57e4bdff327218c6210fd53993803c44d59a41", Convert.ToHexStringLower(SHA256.HashData(pixels)));
    }

    [Fact]
    public void OtherArgumentsRenderOtherPixels()
    {
        var reference = SyntheticImages.RenderRgb(48, 32, classIndex: 3, seed: 7);
        Assert.NotEqual(reference, SyntheticImages.RenderRgb(48, 32, classIndex: 4, seed: 7));
        Assert.NotEqual(reference, SyntheticImages.RenderRgb(48, 32, classIndex: 3, seed: 8));
        Assert.Equal(SyntheticImages.StableSeed(1, 2, 3), SyntheticImages.StableSeed(1, 2, 3));
        Assert.NotEqual(SyntheticImages.StableSeed(1, 2, 3), SyntheticImages.StableSeed(3, 2, 1));
    }
}
