using SENet.Evaluation.Imaging;

namespace SENet.Fuzz;

/// <summary>Skia's codecs through the engine's wrapper: PNG, WebP, BMP, GIF, and JPEG where TurboJPEG is missing.</summary>
public sealed class SkiaTarget : IFuzzTarget
{
    // Created on first use: instrumented code must not run before SharpFuzz has mapped afl's coverage memory.
    private readonly Lazy<SkiaImageDecoder> _decoder = new(() => new SkiaImageDecoder());

    public string Name => "skia";

    public string Description => "SkiaImageDecoder: PNG, WebP, BMP, GIF (and JPEG, its fallback)";

    public void Run(byte[] input)
    {
        using var image = _decoder.Value.Decode(input, new DecodeOptions(FuzzHarness.MaxPixels));
        DecodedImageChecks.Verify(image, "Skia");
    }
}
