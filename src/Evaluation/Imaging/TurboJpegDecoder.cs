namespace SENet.Evaluation.Imaging;

/// <summary>
/// Decodes JPEG with libjpeg-turbo's TurboJPEG API, with PIL's settings (accurate integer DCT, fancy upsampling),
/// so the pixels are those torchvision's loader sees. One TurboJPEG handle per thread.
/// </summary>
public sealed class TurboJpegDecoder : IImageDecoder, IDisposable
{
    private readonly ThreadLocal<nint> _handles = new(TurboJpegNative.InitDecompress, trackAllValues: true);

    public static bool IsAvailable => TurboJpegNative.Unavailable is null;

    public string Name => "libjpeg-turbo (TurboJPEG)";

    public static bool IsJpeg(ReadOnlySpan<byte> encoded) => encoded.Length >= 3 && encoded[0] == 0xFF && encoded[1] == 0xD8 && encoded[2] == 0xFF;

    public unsafe DecodedImage Decode(ReadOnlySpan<byte> encoded, DecodeOptions options)
    {
        var handle = _handles.Value;
        fixed (byte* jpeg = encoded)
        {
            if (TurboJpegNative.DecompressHeader3(handle, jpeg, (nuint)encoded.Length, out var width, out var height, out _, out var colorspace) != 0)
            {
                throw new ImageDecodeException($"not a decodable JPEG: {TurboJpegNative.ErrorText(handle)}");
            }

            if ((long)width * height > options.MaxPixels)
            {
                throw new ImageDecodeException($"image declares {width}×{height} = {(long)width * height:N0} pixels, over the limit of {options.MaxPixels:N0}; raise the pixel limit if the image is genuine");
            }

            var (numerator, denominator) = ChooseScale(width, height, options.ReducedScaleTarget);
            var scaledWidth = (width * numerator + denominator - 1) / denominator;
            var scaledHeight = (height * numerator + denominator - 1) / denominator;
            var cmyk = colorspace is TurboJpegNative.ColorspaceCmyk or TurboJpegNative.ColorspaceYcck;
            var image = new DecodedImage(scaledWidth, scaledHeight, cmyk ? 4 : 3) { Scale = (double)numerator / denominator };
            try
            {
                fixed (byte* destination = image.Buffer)
                {
                    var result = TurboJpegNative.Decompress2(handle, jpeg, (nuint)encoded.Length, destination, scaledWidth, image.RowStride, scaledHeight,
                        cmyk ? TurboJpegNative.PixelFormatCmyk : TurboJpegNative.PixelFormatRgb, flags: 0);
                    if (result != 0)
                    {
                        // libjpeg-turbo reports a truncated file as a warning after filling the rest with grey; PIL refuses it, and so do we.
                        var kind = TurboJpegNative.GetErrorCode(handle) == TurboJpegNative.ErrorWarning ? "corrupt or truncated JPEG" : "JPEG decode failed";
                        throw new ImageDecodeException($"{kind}: {TurboJpegNative.ErrorText(handle)}");
                    }
                }

                if (cmyk)
                {
                    ConvertInvertedCmykToRgb(image);
                }

                return image;
            }
            catch
            {
                image.Dispose();
                throw;
            }
        }
    }

    public void Dispose()
    {
        foreach (var handle in _handles.Values)
        {
            TurboJpegNative.Destroy(handle);
        }

        _handles.Dispose();
    }

    internal static (int Numerator, int Denominator) ChooseScale(int width, int height, int? target)
    {
        var shortSide = Math.Min(width, height);
        if (target is not { } minimum || shortSide < 2 * minimum)
        {
            return (1, 1);
        }

        foreach (var denominator in new[] { 8, 4, 2 })
        {
            if ((shortSide + denominator - 1) / denominator >= minimum)
            {
                return (1, denominator);
            }
        }

        return (1, 1);
    }

    /// <summary>
    /// Adobe CMYK JPEGs store inverted ink values; PIL reads them as CMYK;I and converts with
    /// R = (255 − C)(255 − K)/255 rounded as its MULDIV255 does. On the stored values that is c·k/255.
    /// </summary>
    private static void ConvertInvertedCmykToRgb(DecodedImage image)
    {
        var pixels = image.Pixels;
        for (var i = 0; i < pixels.Length; i += 4)
        {
            int k = pixels[i + 3];
            pixels[i] = MulDiv255(pixels[i], k);
            pixels[i + 1] = MulDiv255(pixels[i + 1], k);
            pixels[i + 2] = MulDiv255(pixels[i + 2], k);
        }

        static byte MulDiv255(int a, int b)
        {
            var t = a * b + 128;
            return (byte)(((t >> 8) + t) >> 8);
        }
    }
}
