using System.Security.Cryptography;
using SENet.Evaluation.Imaging;

namespace SENet.Evaluation.Tests.Imaging;

public sealed class PreprocessExactnessTests
{
    private static readonly ImageDecoder Decoder = new();

    public static IEnumerable<object[]> Fixtures => PreprocessFixture.Cases;

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void CropMatchesPilAndTorchvision(string output)
    {
        var fixture = PreprocessFixture.Named(output);
        var expected = File.ReadAllBytes(Path.Combine(PreprocessFixture.Folder, fixture.Output));
        var preprocessor = new ImagePreprocessor(new PreprocessSpec(Interpolation: Enum.Parse<Interpolation>(fixture.Interpolation, ignoreCase: true)));
        using var image = Decoder.Decode(File.ReadAllBytes(Path.Combine(PreprocessFixture.Folder, fixture.Image)), DecodeOptions.Exact);
        var actual = new byte[224 * 224 * 3];

        preprocessor.ResizeAndCrop(image, actual);

        var differences = expected.Zip(actual, (a, b) => Math.Abs(a - b)).ToArray();
        Assert.True(differences.Average() <= 0.5, $"mean |diff| {differences.Average():F4} grey levels");
        Assert.True(differences.Max() <= 3, $"max |diff| {differences.Max()} grey levels");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void VectorAndScalarPathsGiveTheSameBytesAsPil(string output)
    {
        var fixture = PreprocessFixture.Named(output);
        var expected = File.ReadAllBytes(Path.Combine(PreprocessFixture.Folder, fixture.Output));
        var spec = new PreprocessSpec(Interpolation: Enum.Parse<Interpolation>(fixture.Interpolation, ignoreCase: true));
        using var image = Decoder.Decode(File.ReadAllBytes(Path.Combine(PreprocessFixture.Folder, fixture.Image)), DecodeOptions.Exact);
        var vector = new byte[224 * 224 * 3];
        var scalar = new byte[224 * 224 * 3];

        new ImagePreprocessor(spec, vectorize: true).ResizeAndCrop(image, vector);
        new ImagePreprocessor(spec, vectorize: false).ResizeAndCrop(image, scalar);

        // Stronger than the tolerance above: PIL's fixed-point resampler is reproduced exactly.
        Assert.Equal(expected, vector);
        Assert.Equal(expected, scalar);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void NormalisedTensorMatchesTorchvisionPerChannelMean(string output)
    {
        var fixture = PreprocessFixture.Named(output);
        if (fixture.NormalizedMean is null)
        {
            return;
        }

        var preprocessor = new ImagePreprocessor(PreprocessSpec.Default);
        using var image = Decoder.Decode(File.ReadAllBytes(Path.Combine(PreprocessFixture.Folder, fixture.Image)), DecodeOptions.Exact);
        var tensor = new float[3 * 224 * 224];

        preprocessor.Preprocess(image, tensor);

        for (var c = 0; c < 3; c++)
        {
            var mean = tensor.AsSpan(c * 224 * 224, 224 * 224).ToArray().Average(v => (double)v);
            // 0.5/255 per value before normalisation is at most 0.5/255/0.224 after it.
            Assert.True(Math.Abs(mean - fixture.NormalizedMean[c]) <= 0.5 / 255 / 0.224, $"channel {c}: {mean} vs {fixture.NormalizedMean[c]}");
        }
    }

    [Fact]
    public void JpegDecodeIsByteIdenticalToPil()
    {
        Assert.True(TurboJpegDecoder.IsAvailable, "libturbojpeg.so.0 is missing: apt-get install libturbojpeg0 (test.sh does)");
        foreach (var (file, sha256) in PreprocessFixture.DecodedSha256.Where(p => p.Key.EndsWith(".jpg", StringComparison.Ordinal)))
        {
            using var image = Decoder.Decode(File.ReadAllBytes(Path.Combine(PreprocessFixture.Folder, file)), DecodeOptions.Exact);

            Assert.True(sha256 == DecodedPixels.Sha256OfRgb(image), $"{file}: decoded pixels differ from PIL's");
        }
    }

    [Fact]
    public void PaletteAndAlphaPngDecodeAsPilConvertsThem()
    {
        foreach (var (file, sha256) in PreprocessFixture.DecodedSha256.Where(p => p.Key.EndsWith(".png", StringComparison.Ordinal)))
        {
            using var image = Decoder.Decode(File.ReadAllBytes(Path.Combine(PreprocessFixture.Folder, file)), DecodeOptions.Exact);

            Assert.True(sha256 == DecodedPixels.Sha256OfRgb(image), $"{file}: decoded pixels differ from PIL's convert('RGB')");
        }
    }

    [Fact]
    public void CaffeNormalisationIsBgrMinusMeanInZeroTo255()
    {
        var fixture = PreprocessFixture.All.First(f => f.Interpolation == "bilinear");
        var reference = File.ReadAllBytes(Path.Combine(PreprocessFixture.Folder, fixture.Output));
        using var image = Decoder.Decode(File.ReadAllBytes(Path.Combine(PreprocessFixture.Folder, fixture.Image)), DecodeOptions.Exact);
        var tensor = new float[3 * 224 * 224];

        new ImagePreprocessor(new PreprocessSpec(Normalization: Normalization.Caffe)).Preprocess(image, tensor);

        var plane = 224 * 224;
        for (var i = 0; i < plane; i += 997)
        {
            Assert.Equal(reference[i * 3 + 2] - 104f, tensor[i]);
            Assert.Equal(reference[i * 3 + 1] - 117f, tensor[plane + i]);
            Assert.Equal(reference[i * 3] - 123f, tensor[2 * plane + i]);
        }
    }
}
