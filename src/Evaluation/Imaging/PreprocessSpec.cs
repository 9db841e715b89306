using System.Globalization;

namespace SENet.Evaluation.Imaging;

/// <summary>
/// The evaluation transform, as timm and torchvision define it: resize the shorter side to
/// floor(<see cref="CropSize"/> / <see cref="CropPct"/>), centre crop <see cref="CropSize"/>, normalise.
/// </summary>
/// <param name="FastDecode">Decode large JPEGs at a reduced DCT scale first (faster, not bit-exact with PIL).</param>
/// <param name="View">The centre crop, or torchvision's ten crops (<see cref="ViewsPerImage"/> model inputs an image).</param>
public sealed record PreprocessSpec(
    int CropSize = 224,
    double CropPct = 0.875,
    Interpolation Interpolation = Interpolation.Bilinear,
    Normalization Normalization = Normalization.ImageNet,
    bool FastDecode = false,
    CropView View = CropView.Center)
{
    public static PreprocessSpec Default { get; } = new();

    public int ResizeSize => (int)Math.Floor(CropSize / CropPct + 1e-9);

    public int ValuesPerImage => 3 * CropSize * CropSize;

    /// <summary>Model inputs (batch slots) one image takes: 1, or 10 for <see cref="CropView.TenCrop"/>.</summary>
    public int ViewsPerImage => View == CropView.TenCrop ? 10 : 1;

    public DecodeOptions DecodeOptions(long maxPixels = 178_956_970) =>
        new(maxPixels, FastDecode ? ResizeSize : null);

    public void Validate()
    {
        if (CropSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(CropSize), CropSize, "The crop size must be positive.");
        }

        if (CropPct is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(CropPct), CropPct.ToString(CultureInfo.InvariantCulture), "crop_pct must be in (0, 1].");
        }
    }

    public override string ToString() =>
        $"resize {ResizeSize} ({Interpolation.ToString().ToLowerInvariant()}), {(View == CropView.TenCrop ? "ten crops" : "centre crop")} {CropSize}, {Normalization} normalisation{(FastDecode ? ", fast decode" : "")}";
}
