using SENet.Evaluation.Reproducibility;

namespace SENet.Evaluation.Imaging;

/// <summary>
/// The engine's decoder: JPEG through libjpeg-turbo when it is installed (chosen by measurement, see the README),
/// every other format, and JPEG otherwise, through Skia. It counts which decoder decoded each format (<see cref="Tally"/>),
/// since the choice depends on the machine.
/// </summary>
public sealed class ImageDecoder : IImageDecoder, IDisposable
{
    private readonly TurboJpegDecoder? _jpeg;
    private readonly string? _turboJpegUnavailable;
    private readonly SkiaImageDecoder _skia = new();

    public ImageDecoder()
        : this(TurboJpegDecoder.IsAvailable ? new TurboJpegDecoder() : null, TurboJpegNative.Unavailable)
    {
    }

    private ImageDecoder(TurboJpegDecoder? jpeg, string? turboJpegUnavailable) => (_jpeg, _turboJpegUnavailable) = (jpeg, turboJpegUnavailable);

    /// <summary>The decoder of a machine without libturbojpeg: every format through Skia.</summary>
    public static ImageDecoder WithoutTurboJpeg(string reason) => new(null, reason);

    public string Name => _jpeg is null ? $"Skia (TurboJPEG unavailable: {_turboJpegUnavailable})" : "libjpeg-turbo for JPEG, Skia for other formats";

    public bool UsesTurboJpeg => _jpeg is not null;

    /// <summary>Images this decoder decoded, by format and decoder.</summary>
    public DecodeTally Tally { get; } = new();

    /// <summary>Why JPEGs go through Skia here (with the package to install), or null when libjpeg-turbo decodes them.</summary>
    public static string? TurboJpegMissingWarning => TurboJpegNative.Unavailable is { } reason
        ? $"JPEGs will be decoded by Skia, not libjpeg-turbo ({reason}): their pixels differ slightly from PIL's, so the report is marked not PIL-exact. Install Debian's libturbojpeg0 for figures that match timm's."
        : null;

    public DecodedImage Decode(ReadOnlySpan<byte> encoded, DecodeOptions options)
    {
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException("empty file (0 bytes)");
        }

        var turbo = _jpeg is not null && TurboJpegDecoder.IsJpeg(encoded);
        var image = turbo ? _jpeg!.Decode(encoded, options) : _skia.Decode(encoded, options);
        Tally.Add(DecodeTally.Format(encoded), turbo ? (image.Scale < 1 ? DecodeTally.TurboJpegReduced : DecodeTally.TurboJpeg) : DecodeTally.Skia);
        return image;
    }

    public void Dispose() => _jpeg?.Dispose();
}
