using SENet.Evaluation.Imaging;

namespace SENet.Fuzz;

/// <summary>What any decode that returns must satisfy, whatever the bytes were.</summary>
internal static class DecodedImageChecks
{
    public static void Verify(DecodedImage image, string decoder)
    {
        if (image.Width < 1 || image.Height < 1)
        {
            throw new FuzzFindingException($"{decoder} returned a {image.Width}×{image.Height} image instead of refusing it");
        }

        if (image.PixelStride is not (3 or 4) || image.RowStride != image.Width * image.PixelStride
            || image.Pixels.Length != (long)image.RowStride * image.Height)
        {
            throw new FuzzFindingException($"{decoder} returned an inconsistent buffer: {image.Width}×{image.Height}, {image.PixelStride} bytes a pixel, {image.Pixels.Length} bytes");
        }

        if ((long)image.Width * image.Height > FuzzHarness.MaxPixels)
        {
            throw new FuzzFindingException($"{decoder} decoded {image.Width}×{image.Height} pixels, over the {FuzzHarness.MaxPixels:N0} limit it was given");
        }
    }
}
