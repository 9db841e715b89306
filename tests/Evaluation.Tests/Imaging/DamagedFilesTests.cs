using System.Text.Json;
using SENet.Evaluation.Imaging;

namespace SENet.Evaluation.Tests.Imaging;

/// <summary>
/// Damaged but decodable files get PIL's decision and PIL's pixels (tools/reference/make_damaged_fixtures.py): what
/// PIL decodes with a warning is decoded, the warning kept with the image; what PIL refuses is a failure.
/// </summary>
public sealed class DamagedFilesTests
{
    private static readonly ImageDecoder Decoder = new();

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "damaged");

    public static TheoryData<string> Images()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json")));
        return [.. manifest.RootElement.GetProperty("images").EnumerateObject().Select(p => p.Name)];
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void DecidesAndDecodesAsPilDoes(string file)
    {
        Assert.True(TurboJpegDecoder.IsAvailable, "libturbojpeg.so.0 is missing: apt-get install libturbojpeg0 (test.sh does)");
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json")));
        var expected = manifest.RootElement.GetProperty("images").GetProperty(file);
        var bytes = File.ReadAllBytes(Path.Combine(Folder, file));

        if (expected.GetProperty("pil").GetString() == "refused")
        {
            Assert.Throws<ImageDecodeException>(() => Decoder.Decode(bytes, DecodeOptions.Exact).Dispose());
            return;
        }

        using var image = Decoder.Decode(bytes, DecodeOptions.Exact);
        Assert.Equal((expected.GetProperty("width").GetInt32(), expected.GetProperty("height").GetInt32()), (image.Width, image.Height));
        Assert.True(expected.GetProperty("rgb_sha256").GetString() == DecodedPixels.Sha256OfRgb(image), $"{file}: decoded pixels differ from PIL's convert('RGB')");
        // libjpeg-turbo reads no further than the last scan, so bytes before the EOI marker pass unnoticed there too.
        if (file is "jpeg_extraneous_before_sos.jpg" or "jpeg_flipped_scan_byte.jpg" or "png_bad_idat_crc.png")
        {
            Assert.False(string.IsNullOrEmpty(image.Warning), $"{file}: the damage PIL warns about should be kept as the image's warning");
        }
        else if (!file.Contains("extraneous"))
        {
            Assert.Null(image.Warning);
        }
    }
}
