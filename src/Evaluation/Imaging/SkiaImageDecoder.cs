using SkiaSharp;

namespace SENet.Evaluation.Imaging;

/// <summary>
/// Decodes PNG, WebP, BMP, GIF (first frame) and, where TurboJPEG is missing, JPEG with Skia. Pixels come out as
/// unpremultiplied RGBA with no colour-space conversion, and alpha is then ignored, as PIL's convert('RGB') does.
/// 16-bit PNGs are reduced as PIL reduces them: grayscale (PIL's mode I) clipped to 0..255, colour to the high byte
/// (Skia's own reduction).
/// </summary>
public sealed class SkiaImageDecoder : IImageDecoder
{
    public string Name => "Skia";

    public DecodedImage Decode(ReadOnlySpan<byte> encoded, DecodeOptions options)
    {
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException("empty file (0 bytes)");
        }

        if (PngFile.IsPng(encoded) && PngFile.RepairDataCrcs(encoded, out var warning) is { } repaired)
        {
            var image = DecodeWithSkia(repaired, options, PngFile.Header(repaired));
            image.Warning = warning;
            return image;
        }

        return DecodeWithSkia(encoded, options, PngFile.Header(encoded));
    }

    private static unsafe DecodedImage DecodeWithSkia(ReadOnlySpan<byte> encoded, DecodeOptions options, (int BitDepth, int ColorType)? png)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw new ImageDecodeException("not a recognised image: the bytes are no JPEG, PNG, WebP, BMP or GIF");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new ImageDecodeException($"image declares {info.Width}×{info.Height} pixels: not a valid image size");
        }

        if ((long)info.Width * info.Height > options.MaxPixels)
        {
            throw new ImageDecodeException($"image declares {info.Width}×{info.Height} = {(long)info.Width * info.Height:N0} pixels, over the limit of {options.MaxPixels:N0}; raise the pixel limit if the image is genuine");
        }

        var image = new DecodedImage(info.Width, info.Height, 4);
        try
        {
            if (png is { BitDepth: 16, ColorType: 0 })
            {
                DecodeGrayscaleSixteenBit(encoded, image);
                return image;
            }

            var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            fixed (byte* pixels = image.Buffer)
            {
                Check(codec, codec.GetPixels(target, (nint)pixels, image.RowStride, new SKCodecOptions(0)));
            }

            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    /// <summary>
    /// PIL opens 16-bit grayscale as mode I, and convert('RGB') clips each value to 0..255. Skia reduces it to the high
    /// byte, losing the low byte that values under 256 live in, so the samples are read here.
    /// </summary>
    private static void DecodeGrayscaleSixteenBit(ReadOnlySpan<byte> encoded, DecodedImage image)
    {
        var samples = PngFile.DecodeGrayscaleSixteenBit(encoded, image.Width, image.Height);
        var output = image.Pixels;
        for (var i = 0; i < samples.Length; i++)
        {
            var value = (byte)Math.Min(samples[i], (ushort)255);
            output[i * 4] = output[i * 4 + 1] = output[i * 4 + 2] = value;
            output[i * 4 + 3] = 255;
        }
    }

    private static void Check(SKCodec codec, SKCodecResult outcome)
    {
        if (outcome != SKCodecResult.Success)
        {
            throw new ImageDecodeException($"{codec.EncodedFormat} decode failed: {outcome} (the file is corrupt or truncated)");
        }
    }
}
