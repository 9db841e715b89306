using SENet.Evaluation.Imaging;

namespace SENet.Fuzz;

/// <summary>
/// libjpeg-turbo through the engine's TurboJPEG bindings: an exact decode, a reduced-DCT decode, then a known good JPEG
/// on the same handle. A decoder whose state one bad file poisons fails the good one (or crashes), so that defect
/// is reproducible from this one input rather than from whatever input afl-fuzz happened to run next.
/// </summary>
public sealed class JpegTarget : IFuzzTarget
{
    private static readonly Lazy<(byte[] Jpeg, byte[] Pixels)> Sentinel = new(() =>
    {
        var jpeg = JpegEncoder.Encode(SeedCorpus.Gradient(SentinelSize, SentinelSize), SentinelSize, SentinelSize);
        using var decoder = new TurboJpegDecoder();
        using var image = decoder.Decode(jpeg, DecodeOptions.Exact);
        return (jpeg, image.Pixels.ToArray());
    });

    private const int SentinelSize = 16;

    public string Name => "jpeg";

    public string Description => "TurboJpegDecoder: exact and 1/8-scale decodes, then a good JPEG on the same handle";

    public void Run(byte[] input)
    {
        if (!TurboJpegDecoder.IsAvailable)
        {
            throw new InvalidOperationException("The jpeg target needs libturbojpeg.so.0: apt-get install libturbojpeg0.");
        }

        var sentinel = Sentinel.Value;
        using var decoder = new TurboJpegDecoder();
        Exception? refusal = null;
        foreach (var options in new[] { new DecodeOptions(FuzzHarness.MaxPixels), new DecodeOptions(FuzzHarness.MaxPixels, ReducedScaleTarget: 2) })
        {
            try
            {
                using var image = decoder.Decode(input, options);
                DecodedImageChecks.Verify(image, "TurboJPEG");
            }
            catch (ImageDecodeException e)
            {
                refusal ??= e;
            }
        }

        try
        {
            using var good = decoder.Decode(sentinel.Jpeg, DecodeOptions.Exact);
            if (good.Width != SentinelSize || good.Height != SentinelSize || !good.Pixels.SequenceEqual(sentinel.Pixels))
            {
                throw new FuzzFindingException($"after this input, a good {SentinelSize}×{SentinelSize} JPEG decoded as {good.Width}×{good.Height} with other pixels: the handle's state was poisoned");
            }
        }
        catch (ImageDecodeException e)
        {
            throw new FuzzFindingException($"after this input, a good JPEG failed on the same handle ({e.Message}): the handle's state was poisoned", e);
        }

        if (refusal is not null)
        {
            throw refusal;
        }
    }
}
