using System.Security.Cryptography;
using SENet.Evaluation.Imaging;

namespace SENet.Evaluation.Tests.Imaging;

/// <summary>A decoded image as the RGB bytes PIL's <c>convert('RGB').tobytes()</c> gives, for comparing digests.</summary>
internal static class DecodedPixels
{
    public static string Sha256OfRgb(DecodedImage image)
    {
        var rgb = new byte[image.Width * image.Height * 3];
        var pixels = image.Pixels;
        for (var y = 0; y < image.Height; y++)
        {
            for (int x = 0, p = y * image.RowStride, o = y * image.Width * 3; x < image.Width; x++, p += image.PixelStride, o += 3)
            {
                rgb[o] = pixels[p];
                rgb[o + 1] = pixels[p + 1];
                rgb[o + 2] = pixels[p + 2];
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(rgb));
    }
}
