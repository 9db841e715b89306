using SENet.Evaluation.Imaging;
using SENet.Evaluation.Models;

namespace SENet.Fuzz;

/// <summary>The rule every fuzz target is held to, shared by afl-fuzz runs and the corpus replay tests.</summary>
public static class FuzzHarness
{
    /// <summary>
    /// Pixel limit for the image targets: well under the engine's default (178 M) so that a mutated header declaring a
    /// huge image is refused before it costs a large allocation in every execution; the limit itself is the same code.
    /// </summary>
    public const long MaxPixels = 4_000_000;

    public static IReadOnlyList<IFuzzTarget> Targets { get; } =
        [new JpegTarget(), new SkiaTarget(), new PreprocessTarget(), new ModelInspectorTarget()];

    public static IFuzzTarget Find(string name) =>
        Targets.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown fuzz target '{name}'. Targets: {string.Join(", ", Targets.Select(t => t.Name))}.", nameof(name));

    /// <summary>The exceptions the engine documents for bad input: the image's or the model's refusal, with its reason.</summary>
    public static bool IsDocumentedRefusal(Exception e) => e is ImageDecodeException or ModelValidationException;

    /// <summary>Runs one input; a documented refusal is an outcome, anything else escapes (afl-fuzz records it as a crash).</summary>
    public static FuzzOutcome Execute(IFuzzTarget target, byte[] input)
    {
        try
        {
            target.Run(input);
            return FuzzOutcome.Accepted;
        }
        catch (Exception e) when (IsDocumentedRefusal(e))
        {
            return FuzzOutcome.Refused;
        }
    }
}
