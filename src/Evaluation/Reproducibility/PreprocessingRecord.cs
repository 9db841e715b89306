using SENet.Evaluation.Imaging;

namespace SENet.Evaluation.Reproducibility;

/// <summary>The evaluation transform in full, as torchvision would be configured to repeat it.</summary>
public sealed record PreprocessingRecord(
    int Resize,
    int Crop,
    double CropPct,
    string Interpolation,
    bool Antialias,
    string ChannelOrder,
    double PixelScale,
    IReadOnlyList<double> Mean,
    IReadOnlyList<double> Std,
    bool FastDecode)
{
    public static PreprocessingRecord From(PreprocessSpec spec) => spec.Normalization switch
    {
        Normalization.Caffe => new(spec.ResizeSize, spec.CropSize, spec.CropPct, Name(spec), true, "BGR", 255, [104, 117, 123], [1, 1, 1], spec.FastDecode),
        _ => new(spec.ResizeSize, spec.CropSize, spec.CropPct, Name(spec), true, "RGB", 1, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225], spec.FastDecode),
    };

    private static string Name(PreprocessSpec spec) => spec.Interpolation.ToString().ToLowerInvariant();
}
