using SkiaSharp;

namespace SENet.Evaluation.Imaging;

/// <summary>Encodes RGB pixels as baseline JPEG (4:2:0, as PIL saves by default): libjpeg-turbo when present, Skia otherwise.</summary>
public static class JpegEncoder
{
    public static unsafe byte[] Encode(ReadOnlySpan<byte> rgb, int width, int height, int quality = 90)
    {
        if (rgb.Length < width * height * 3)
        {
            throw new ArgumentException($"{width}×{height} RGB needs {width * height * 3} bytes; got {rgb.Length}.", nameof(rgb));
        }

        if (TurboJpegDecoder.IsAvailable)
        {
            var handle = TurboJpegNative.InitCompress();
            try
            {
                nint jpeg = 0;
                nuint size = 0;
                fixed (byte* source = rgb)
                {
                    if (TurboJpegNative.Compress2(handle, source, width, width * 3, height, TurboJpegNative.PixelFormatRgb, ref jpeg, ref size, TurboJpegNative.Subsampling420, quality, 0) != 0)
                    {
                        throw new InvalidOperationException($"JPEG encode failed: {TurboJpegNative.ErrorText(handle)}");
                    }
                }

                try
                {
                    return new ReadOnlySpan<byte>((void*)jpeg, checked((int)size)).ToArray();
                }
                finally
                {
                    TurboJpegNative.Free(jpeg);
                }
            }
            finally
            {
                TurboJpegNative.Destroy(handle);
            }
        }

        var rgba = new byte[width * height * 4];
        for (int i = 0, o = 0; i < width * height * 3; i += 3, o += 4)
        {
            rgba[o] = rgb[i];
            rgba[o + 1] = rgb[i + 1];
            rgba[o + 2] = rgb[i + 2];
            rgba[o + 3] = 255;
        }

        fixed (byte* pixels = rgba)
        {
            using var image = SKImage.FromPixels(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), (nint)pixels, width * 4);
            using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality);
            return data.ToArray();
        }
    }
}
