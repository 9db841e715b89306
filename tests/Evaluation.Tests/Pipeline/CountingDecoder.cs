using SENet.Evaluation.Imaging;

namespace SENet.Evaluation.Tests.Pipeline;

/// <summary>Counts the images its inner decoder decoded: an independent check of a pass's decode tally.</summary>
internal sealed class CountingDecoder(IImageDecoder inner) : IImageDecoder
{
    private int _decoded;

    public string Name => inner.Name;

    public int Decoded => Volatile.Read(ref _decoded);

    public DecodedImage Decode(ReadOnlySpan<byte> encoded, DecodeOptions options)
    {
        var image = inner.Decode(encoded, options);
        Interlocked.Increment(ref _decoded);
        return image;
    }
}
