using SENet.Evaluation.Imaging;

namespace SENet.Fuzz;

/// <summary>
/// What a worker does with each file: the engine's decoder (format chosen from the bytes), then resize, centre crop and
/// normalise. Small crops keep each execution fast; both interpolations, both normalisations and the reduced-DCT
/// decode are exercised, since each computes its own coefficients and bounds.
/// </summary>
public sealed class PreprocessTarget : IFuzzTarget
{
    // Created on first use: instrumented code must not run before SharpFuzz has mapped afl's coverage memory.
    private readonly Lazy<ImagePreprocessor[]> _preprocessors = new(() =>
    [
        new(new PreprocessSpec(CropSize: 8, CropPct: 0.875, Interpolation.Bilinear, Normalization.ImageNet)),
        new(new PreprocessSpec(CropSize: 13, CropPct: 0.95, Interpolation.Bicubic, Normalization.Caffe, FastDecode: true)),
    ]);

    public string Name => "preprocess";

    public string Description => "ImageDecoder (any format) then ImagePreprocessor: resize, centre crop, normalise";

    public void Run(byte[] input)
    {
        // A fresh decoder each time: a TurboJPEG handle's state must not carry one input's damage into the next execution.
        using var decoder = new ImageDecoder();
        foreach (var preprocessor in _preprocessors.Value)
        {
            using var image = decoder.Decode(input, preprocessor.Spec.DecodeOptions(FuzzHarness.MaxPixels));
            DecodedImageChecks.Verify(image, decoder.Name);
            var values = new float[preprocessor.Spec.ValuesPerImage];
            preprocessor.Preprocess(image, values);
            foreach (var value in values)
            {
                if (!float.IsFinite(value))
                {
                    throw new FuzzFindingException($"preprocessing produced {value} from 8-bit pixels");
                }
            }
        }
    }
}
