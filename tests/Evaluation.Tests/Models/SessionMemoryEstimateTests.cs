using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;

namespace SENet.Evaluation.Tests.Models;

public sealed class SessionMemoryEstimateTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void SessionsOfEveryModelAndStreamAreSummedAgainstTheLimit()
    {
        const long MiB = 1024 * 1024;
        (string, long)[] models = [("a", 300 * MiB), ("b", 212 * MiB)];

        Assert.Equal((4, 1024L), SessionMemoryEstimate.CheckFits(models, streams: 2, limitMb: 1024, "cuda:0"));
        Assert.Equal((4, 1024L), SessionMemoryEstimate.CheckFits(models, streams: 2, limitMb: 0, "cuda:0"));
        var error = Assert.Throws<ModelValidationException>(() => SessionMemoryEstimate.CheckFits(models, streams: 2, limitMb: 1023, "cuda:0"));
        Assert.Contains("cuda:0 would hold 4 session(s) (2 model(s) × 2 stream(s)) needing about 1,024 MiB (a 300 MiB, b 212 MiB a session)", error.Message);
        Assert.Contains("SENet:Devices:Cuda:MemoryLimitMb = 1,023 MiB", error.Message);
    }

    [Fact]
    public void TheEstimateIsParametersAtFourBytesAndSixteenInputsOfActivationsPerImage()
    {
        var one = SessionMemoryEstimate.SessionBytes(parameters: 1000, batchSize: 1, height: 10, width: 10);
        var batch = SessionMemoryEstimate.SessionBytes(parameters: 1000, batchSize: 8, height: 10, width: 10);

        Assert.Equal(4000 + (3 * 10 * 10 * 4 * SessionMemoryEstimate.ActivationsPerInput), one);
        Assert.Equal(7 * 3 * 10 * 10 * 4 * SessionMemoryEstimate.ActivationsPerInput, batch - one);
    }

    [Fact]
    public async Task AGpuJobWhoseModelsCannotFitTheLimitIsRefusedWithTheFigureBeforeAnySessionLoads()
    {
        var path = Path.Combine(_folder.Path, "m.onnx");
        var model = SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 64));
        await File.WriteAllBytesAsync(path, model);
        var parameters = ModelInspector.Inspect(model).Parameters;
        // An explicit CUDA device on a machine without one: reaching a session would fail with the loader's reason instead.
        var request = new EvaluationRequest(path, new LocalFolderSource(_folder.Path), new DatasetSpec(),
            new ClassifierSessionOptions(new InferenceDevice(DeviceKind.Cuda), 16, Streams: 2), new PipelineOptions());
        var perSession = SessionMemoryEstimate.SessionBytes(parameters, 16, 64, 64);
        var needed = (3 * 2 * perSession + (1024 * 1024) - 1) / (1024 * 1024);

        var error = await Assert.ThrowsAsync<ModelValidationException>(() => LocalEvaluator.RunManyAsync(
            [request, request with { ModelName = "second" }, request with { ModelName = "third" }], [ViewSpec.Center], gpuMemoryLimitMb: needed - 1));

        Assert.Contains($"would hold 6 session(s) (3 model(s) × 2 stream(s)) needing about {needed:N0} MiB", error.Message);
        Assert.Contains($"MemoryLimitMb = {needed - 1:N0} MiB", error.Message);
    }
}
