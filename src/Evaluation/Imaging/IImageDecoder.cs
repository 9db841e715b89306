namespace SENet.Evaluation.Imaging;

/// <summary>Turns encoded image bytes into RGB pixels. Implementations are thread-safe.</summary>
public interface IImageDecoder
{
    /// <summary>A short name for reports and benchmarks.</summary>
    string Name { get; }

    /// <exception cref="ImageDecodeException">The bytes are not a decodable image, or break a limit of <paramref name="options"/>.</exception>
    DecodedImage Decode(ReadOnlySpan<byte> encoded, DecodeOptions options);
}
