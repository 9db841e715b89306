using SkiaSharp;

namespace SENet.Evaluation.Imaging;

/// <summary>
/// Decodes PNG, WebP, BMP, GIF (first frame) and, where TurboJPEG is missing, JPEG with Skia. Pixels come out as
/// unpremultiplied RGBA with no colour-space conversion, and alpha is then ignored, as PIL's convert('RGB') does.
/// </summary>
public sealed class SkiaImageDecoder : IImageDecoder
{
    public string Name => "Skia";

    public unsafe DecodedImage Decode(ReadOnlySpan<byte> encoded, DecodeOptions options)
    {
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException("empty file (0 bytes)");
        }

        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw new ImageDecodeException("not a recognised image: the bytes are no JPEG, PNG, WebP, BMP or GIF");
        var info = codec.Info;
        if ((long)info.Width * info.Height > options.MaxPixels)
        {
            throw new ImageDecodeException($"image declares {info.Width}×{info.Height} = {(long)info.Width * info.Height:N0} pixels, over the limit of {options.MaxPixels:N0}; raise the pixel limit if the image is genuine");
        }

        var image = new DecodedImage(info.Width, info.Height, 4);
        try
        {
            var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            fixed (byte* pixels = image.Buffer)
            {
                var outcome = codec.GetPixels(target, (nint)pixels, image.RowStride, new SKCodecOptions(0));
                if (outcome != SKCodecResult.Success)
                {
                    throw new ImageDecodeException($"{codec.EncodedFormat} decode failed: {outcome} (the file is corrupt or truncated)");
                }
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
