namespace SENet.Evaluation.Models;

/// <summary>Everything that determines a built SE-ResNet graph, weights included (through <see cref="Seed"/>).</summary>
/// <param name="ReductionRatio">The SE bottleneck ratio r; 0 builds the plain ResNet without SE blocks.</param>
/// <param name="Fp16">
/// Weights and arithmetic in float16 (the same seeded weights, rounded), behind a float32 input and output: the
/// graph casts the image batch to float16 first and the logits back to float32 last, so the engine feeds it as any other.
/// </param>
public sealed record SeResNetSpec(
    SeResNetArchitecture Architecture,
    SeResNetLayout Layout = SeResNetLayout.Timm,
    int ReductionRatio = 16,
    int Classes = 1000,
    int InputSize = 224,
    ulong Seed = 1,
    bool Fp16 = false)
{
    public void Validate()
    {
        if (ReductionRatio < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ReductionRatio), ReductionRatio, "The reduction ratio must be 0 (no SE blocks) or positive.");
        }

        if (Classes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Classes), Classes, "A classifier needs at least one class.");
        }

        if (InputSize < 32)
        {
            throw new ArgumentOutOfRangeException(nameof(InputSize), InputSize, "The input must be at least 32×32: the network downsamples by 32.");
        }
    }
}
