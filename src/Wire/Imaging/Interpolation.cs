namespace SENet.Evaluation.Imaging;

/// <summary>Resampling filters, antialiased when shrinking exactly as PIL's <c>Image.resize</c> does.</summary>
public enum Interpolation
{
    Bilinear,
    Bicubic,
}
