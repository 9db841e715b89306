namespace SENet.Evaluation.Imaging;

/// <summary>
/// The engine's decoder: JPEG through libjpeg-turbo when it is installed (chosen by measurement, see the README),
/// every other format, and JPEG otherwise, through Skia.
/// </summary>
public sealed class ImageDecoder : IImageDecoder, IDisposable
{
    private readonly TurboJpegDecoder? _jpeg = TurboJpegDecoder.IsAvailable ? new TurboJpegDecoder() : null;
    private readonly SkiaImageDecoder _skia = new();

    public string Name => _jpeg is null ? $"Skia (TurboJPEG unavailable: {TurboJpegNative.Unavailable})" : "libjpeg-turbo for JPEG, Skia for other formats";

    public bool UsesTurboJpeg => _jpeg is not null;

    public DecodedImage Decode(ReadOnlySpan<byte> encoded, DecodeOptions options)
    {
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException("empty file (0 bytes)");
        }

        return _jpeg is not null && TurboJpegDecoder.IsJpeg(encoded) ? _jpeg.Decode(encoded, options) : _skia.Decode(encoded, options);
    }

    public void Dispose() => _jpeg?.Dispose();
}
