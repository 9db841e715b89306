using System.IO.Compression;
using System.Security.Cryptography;
using SENet.Evaluation.Imaging;

namespace SENet.Evaluation.Tests.Imaging;

public sealed class TenCropTests
{
    private const int Crop = 224;
    private const int CropBytes = Crop * Crop * 3;
    private static readonly ImageDecoder Decoder = new();

    public static IEnumerable<object[]> Fixtures => TenCropFixture.Cases;

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void EveryCropIsByteIdenticalToTorchvisionTenCrop(string image)
    {
        var fixture = TenCropFixture.Named(image);
        var crops = TenCrops(fixture);

        Assert.Equal(10, fixture.CropSha256.Count);
        for (var v = 0; v < 10; v++)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(crops.AsSpan(v * CropBytes, CropBytes)));
            Assert.True(fixture.CropSha256[v] == hash, $"{image}: crop {v} differs from torchvision's TenCrop");
        }
    }

    [Fact]
    public void CropsAreWithinTodaysCropBoundOfTorchvisionTenCrop()
    {
        foreach (var fixture in TenCropFixture.All.Where(f => f.Output is not null))
        {
            var expected = Gunzip(Path.Combine(TenCropFixture.Folder, fixture.Output!));
            var actual = TenCrops(fixture);

            Assert.Equal(10 * CropBytes, expected.Length);
            for (var v = 0; v < 10; v++)
            {
                // The bound of PreprocessExactnessTests.CropMatchesPilAndTorchvision, crop by crop.
                var differences = expected.AsSpan(v * CropBytes, CropBytes).ToArray().Zip(actual.AsSpan(v * CropBytes, CropBytes).ToArray(), (a, b) => Math.Abs(a - b)).ToArray();
                Assert.True(differences.Average() <= 0.5, $"{fixture.Image} crop {v}: mean |diff| {differences.Average():F4} grey levels");
                Assert.True(differences.Max() <= 3, $"{fixture.Image} crop {v}: max |diff| {differences.Max()} grey levels");
            }
        }
    }

    [Fact]
    public void TenCropTensorsAreTheNormalisedCropsInTenCropOrder()
    {
        var fixture = TenCropFixture.All.First(f => f.Output is not null);
        var expected = Gunzip(Path.Combine(TenCropFixture.Folder, fixture.Output!));
        using var decoded = Decoder.Decode(File.ReadAllBytes(Path.Combine(PreprocessFixture.Folder, fixture.Image)), DecodeOptions.Exact);
        var tensors = new float[10 * 3 * Crop * Crop];

        new ImagePreprocessor(new PreprocessSpec(View: CropView.TenCrop)).Preprocess(decoded, tensors);

        var plane = Crop * Crop;
        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        for (var v = 0; v < 10; v++)
        {
            for (var i = 0; i < plane; i += 331)
            {
                for (var c = 0; c < 3; c++)
                {
                    // ToTensor then Normalize, in float32 as torchvision computes them.
                    Assert.Equal(((expected[v * CropBytes + i * 3 + c] / 255f) - mean[c]) / std[c], tensors[(v * 3 + c) * plane + i]);
                }
            }
        }
    }

    [Fact]
    public void CentreViewIsStillOneTensorEqualToTheCentreCrop()
    {
        var fixture = PreprocessFixture.All.First(f => f.Interpolation == "bilinear");
        using var decoded = Decoder.Decode(File.ReadAllBytes(Path.Combine(PreprocessFixture.Folder, fixture.Image)), DecodeOptions.Exact);
        var viaViews = new byte[CropBytes];
        var viaCrop = new byte[CropBytes];
        var preprocessor = new ImagePreprocessor(PreprocessSpec.Default);

        preprocessor.ResizeAndCropViews(decoded, viaViews);
        preprocessor.ResizeAndCrop(decoded, viaCrop);

        Assert.Equal(1, PreprocessSpec.Default.ViewsPerImage);
        Assert.Equal(File.ReadAllBytes(Path.Combine(PreprocessFixture.Folder, fixture.Output)), viaViews);
        Assert.Equal(viaCrop, viaViews);
    }

    private static byte[] TenCrops(TenCropFixture fixture)
    {
        using var decoded = Decoder.Decode(File.ReadAllBytes(Path.Combine(PreprocessFixture.Folder, fixture.Image)), DecodeOptions.Exact);
        var spec = new PreprocessSpec(Interpolation: Enum.Parse<Interpolation>(fixture.Interpolation, ignoreCase: true), View: CropView.TenCrop);
        var crops = new byte[10 * CropBytes];
        new ImagePreprocessor(spec).ResizeAndCropViews(decoded, crops);
        return crops;
    }

    private static byte[] Gunzip(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }
}
