using System.Buffers;

namespace SENet.Evaluation.Imaging;

/// <summary>
/// 8-bit pixels of a decoded image, row-major, <see cref="PixelStride"/> bytes a pixel of which the first three are
/// R, G, B (a fourth, alpha, is ignored, as PIL's <c>convert('RGB')</c> drops it). The buffer is pooled: dispose it.
/// </summary>
public sealed class DecodedImage : IDisposable
{
    private byte[]? _pixels;

    public DecodedImage(int width, int height, int pixelStride)
    {
        if (width <= 0 || height <= 0 || pixelStride is < 1 or > 4)
        {
            throw new ImageDecodeException($"decoded image of {width}×{height} pixels ({pixelStride} bytes each) is not a valid image size");
        }

        Width = width;
        Height = height;
        PixelStride = pixelStride;
        RowStride = checked(width * pixelStride);
        // Four spare bytes: vectorised resampling reads each pixel as one 32-bit word. Array.MaxLength bounds what one
        // buffer can hold: a larger image is refused rather than wrapped around into a small array.
        var length = (long)RowStride * height + 4;
        if (length > Array.MaxLength)
        {
            throw new ImageDecodeException($"a {width}×{height} image needs {length:N0} bytes, more than one buffer can hold; lower --max-pixels to refuse such images up front");
        }

        _pixels = ArrayPool<byte>.Shared.Rent((int)length);
    }

    public int Width { get; }

    public int Height { get; }

    public int PixelStride { get; }

    public int RowStride { get; }

    /// <summary>The decode's scale relative to the file (1, or 1/2, 1/4, 1/8 for a reduced-DCT JPEG decode).</summary>
    public double Scale { get; init; } = 1.0;

    /// <summary>What the decoder warned about an image it still decoded (as PIL decodes it with the same warning); null when clean.</summary>
    public string? Warning { get; set; }

    public Span<byte> Pixels => (_pixels ?? throw new ObjectDisposedException(nameof(DecodedImage))).AsSpan(0, RowStride * Height);

    internal byte[] Buffer => _pixels ?? throw new ObjectDisposedException(nameof(DecodedImage));

    public void Dispose()
    {
        if (_pixels is { } pixels)
        {
            _pixels = null;
            ArrayPool<byte>.Shared.Return(pixels);
        }
    }
}
