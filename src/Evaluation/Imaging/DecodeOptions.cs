namespace SENet.Evaluation.Imaging;

/// <summary>Limits and shortcuts of one decode.</summary>
/// <param name="MaxPixels">Images declaring more pixels are refused before any pixel is decoded (decompression bombs).</param>
/// <param name="ReducedScaleTarget">
/// When set, a JPEG whose shorter side is at least twice this value is decoded at the smallest DCT scale (1/2, 1/4,
/// 1/8) that keeps its shorter side at or above it: much faster, slightly different pixels. Null decodes exactly.
/// </param>
public sealed record DecodeOptions(long MaxPixels = 178_956_970, int? ReducedScaleTarget = null)
{
    public static DecodeOptions Exact { get; } = new();
}
