using System.Text.Json;
using SENet.Evaluation.Imaging;

namespace SENet.Evaluation.Tests.Imaging;

/// <summary>Formats beside JPEG and PNG, and the fast mode, against PIL's decodes (tools/reference/make_format_fixtures.py).</summary>
public sealed class DecodeFormatsTests
{
    private static readonly ImageDecoder Decoder = new();

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "formats");

    public static TheoryData<string> Images()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json")));
        return [.. manifest.RootElement.GetProperty("images").EnumerateObject().Select(p => p.Name)];
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void DecodesAsTorchvisionsLoaderDoes(string file)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json")));
        var expected = manifest.RootElement.GetProperty("images").GetProperty(file);

        using var image = Decoder.Decode(File.ReadAllBytes(Path.Combine(Folder, file)), DecodeOptions.Exact);

        // Width and height as stored: an EXIF orientation is ignored, as PIL's loader ignores it.
        Assert.Equal((expected.GetProperty("width").GetInt32(), expected.GetProperty("height").GetInt32()), (image.Width, image.Height));
        Assert.True(expected.GetProperty("rgb_sha256").GetString() == DecodedPixels.Sha256OfRgb(image), $"{file}: decoded pixels differ from PIL's convert('RGB')");
    }

    [Fact]
    public void FastModeDecodesLargeJpegsAtAReducedScaleAndChangesTheCropLittle()
    {
        Assert.True(TurboJpegDecoder.IsAvailable, "libturbojpeg.so.0 is missing: apt-get install libturbojpeg0 (test.sh does)");
        var jpeg = File.ReadAllBytes(Path.Combine(PreprocessFixture.Folder, "rgb_1024x683_q90.jpg"));
        var small = File.ReadAllBytes(Path.Combine(PreprocessFixture.Folder, "rgb_500x375_q90.jpg"));
        var fast = new DecodeOptions(ReducedScaleTarget: 256);

        using var exact = Decoder.Decode(jpeg, DecodeOptions.Exact);
        using var reduced = Decoder.Decode(jpeg, fast);
        using var belowThreshold = Decoder.Decode(small, fast);

        // 683 ≥ 2 × 256: half scale keeps the shorter side (342) above the resize target; 375 < 512 decodes exactly.
        Assert.Equal((512, 342, 0.5), (reduced.Width, reduced.Height, reduced.Scale));
        Assert.Equal((500, 375, 1.0), (belowThreshold.Width, belowThreshold.Height, belowThreshold.Scale));
        var preprocessor = new ImagePreprocessor(PreprocessSpec.Default);
        var exactCrop = new byte[224 * 224 * 3];
        var fastCrop = new byte[224 * 224 * 3];
        preprocessor.ResizeAndCrop(exact, exactCrop);
        preprocessor.ResizeAndCrop(reduced, fastCrop);
        var differences = exactCrop.Zip(fastCrop, (a, b) => Math.Abs(a - b)).ToList();
        Assert.True(differences.Average() <= 1.5, $"fast mode moved the crop by {differences.Average():F2} grey levels on average");
        // Sharp edges move most (tens of grey levels); nine values in ten move by a level or two.
        var p90 = differences.Order().ElementAt(differences.Count * 9 / 10);
        Assert.True(p90 <= 3, $"the 90th percentile of the crop's change is {p90} grey levels (largest {differences.Max()})");
        Assert.NotEqual(exactCrop, fastCrop);
    }
}
