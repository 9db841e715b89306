using SENet.Evaluation.Models;

namespace SENet.Evaluation.Tests.Gpu;

/// <summary>
/// A test that needs ONNX Runtime's CUDA execution provider on GPU 0. Without one it is skipped, and the skip says
/// why (the loader's own reason), so a run on a machine without a GPU shows what it did not check.
/// Run only these with <c>dotnet test --filter Category=GPU</c>.
/// </summary>
public sealed class CudaFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> WhyNot = new(Probe);

    public CudaFactAttribute()
    {
        if (WhyNot.Value is { } reason)
        {
            Skip = $"GPU test skipped: {reason}";
        }
    }

    private static string? Probe()
    {
        try
        {
            using var session = ClassifierSession.Create(
                SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 2, InputSize: 32)),
                new ClassifierSessionOptions(InferenceDevice.Parse("cuda:0"), MaxBatchSize: 1));
            return null;
        }
        catch (Exception e)
        {
            // Usually DeviceUnavailableException (no CUDA libraries); with the libraries but no usable GPU, whatever ONNX Runtime says.
            return e.Message;
        }
    }
}
