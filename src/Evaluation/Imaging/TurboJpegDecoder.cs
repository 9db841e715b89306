namespace SENet.Evaluation.Imaging;

/// <summary>
/// Decodes JPEG with libjpeg-turbo's TurboJPEG API, with PIL's settings (accurate integer DCT, fancy upsampling),
/// so the pixels are those torchvision's loader sees. One TurboJPEG handle per thread; a handle that reported an
/// error is destroyed and replaced, because libjpeg-turbo 2.1 can leave it reporting 0×0 for the next image.
/// </summary>
public sealed class TurboJpegDecoder : IImageDecoder, IDisposable
{
    private readonly ThreadLocal<nint> _handles = new(NewHandle, trackAllValues: true);

    public static bool IsAvailable => TurboJpegNative.Unavailable is null;

    public string Name => "libjpeg-turbo (TurboJPEG)";

    public static bool IsJpeg(ReadOnlySpan<byte> encoded) => encoded.Length >= 3 && encoded[0] == 0xFF && encoded[1] == 0xD8 && encoded[2] == 0xFF;

    public DecodedImage Decode(ReadOnlySpan<byte> encoded, DecodeOptions options)
    {
        var handle = _handles.Value;
        try
        {
            var image = Decode(handle, encoded, options);
            if (image.Warning is not null)
            {
                ReplaceHandle(handle);
            }

            return image;
        }
        catch
        {
            // Whatever went wrong, the next image gets a handle with no state left over from this one.
            ReplaceHandle(handle);
            throw;
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

    private static unsafe DecodedImage Decode(nint handle, ReadOnlySpan<byte> encoded, DecodeOptions options)
    {
        fixed (byte* jpeg = encoded)
        {
            string? warning = null;
            if (TurboJpegNative.DecompressHeader3(handle, jpeg, (nuint)encoded.Length, out var width, out var height, out _, out var colorspace) != 0)
            {
                // Extraneous bytes before the scan's marker only make libjpeg warn; PIL reads such a header, and so do we.
                if (TurboJpegNative.GetErrorCode(handle) != TurboJpegNative.ErrorWarning)
                {
                    throw new ImageDecodeException($"not a decodable JPEG: {TurboJpegNative.ErrorText(handle)}");
                }

                warning = $"JPEG decoded with a warning: {TurboJpegNative.ErrorText(handle)}";
            }

            // libjpeg refuses dimensions of 0 or over 65,500 itself; checked again, because every size passed below must
            // describe the buffer exactly: a 0 tells tjDecompress2 "the JPEG's own size" whatever the buffer holds.
            if (width is <= 0 or > JpegMaxDimension || height is <= 0 or > JpegMaxDimension)
            {
                throw new ImageDecodeException($"JPEG header declares {width}×{height} pixels: not a valid image size (each side must be 1 to {JpegMaxDimension:N0})");
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
                var buffer = image.Buffer;
                if ((long)image.RowStride * scaledHeight > buffer.Length)
                {
                    throw new InvalidOperationException($"decode buffer of {buffer.Length} bytes is smaller than {scaledWidth}×{scaledHeight} pixels");
                }

                fixed (byte* destination = buffer)
                {
                    var result = TurboJpegNative.Decompress2(handle, jpeg, (nuint)encoded.Length, destination, scaledWidth, image.RowStride, scaledHeight,
                        cmyk ? TurboJpegNative.PixelFormatCmyk : TurboJpegNative.PixelFormatRgb, flags: 0);
                    if (result != 0)
                    {
                        var message = TurboJpegNative.ErrorText(handle);
                        var truncated = IsTruncated(encoded);
                        if (TurboJpegNative.GetErrorCode(handle) != TurboJpegNative.ErrorWarning || truncated)
                        {
                            // A truncated file is filled with grey by libjpeg-turbo and reported as a warning; PIL refuses it
                            // ("image file is truncated"), and so do we.
                            throw new ImageDecodeException($"{(truncated ? "corrupt or truncated JPEG" : "JPEG decode failed")}: {message}");
                        }

                        // Damage that libjpeg only warns about (extraneous bytes before a marker, a corrupt scan byte): PIL
                        // decodes such a file with the same warning, and so do we, keeping the warning with the image.
                        warning ??= $"JPEG decoded with a warning: {message}";
                    }
                }

                image.Warning = warning;

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

    /// <summary>
    /// True when the file ends before its End Of Image marker: entropy-coded data never holds FF D9 (an FF there is
    /// followed by 00), so a file that has no EOI after its first scan was cut short.
    /// </summary>
    internal static bool IsTruncated(ReadOnlySpan<byte> encoded)
    {
        var scan = encoded.IndexOf([(byte)0xFF, (byte)0xDA]);
        return scan < 0 || encoded[scan..].IndexOf([(byte)0xFF, (byte)0xD9]) < 0;
    }

    private const int JpegMaxDimension = 65_500;

    private static nint NewHandle()
    {
        var handle = TurboJpegNative.InitDecompress();
        return handle != 0 ? handle : throw new InvalidOperationException($"tjInitDecompress failed: {TurboJpegNative.ErrorText(0)}");
    }

    private void ReplaceHandle(nint handle)
    {
        _handles.Value = NewHandle();
        TurboJpegNative.Destroy(handle);
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
