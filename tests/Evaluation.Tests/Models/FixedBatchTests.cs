using Google.Protobuf;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;

namespace SENet.Evaluation.Tests.Models;

/// <summary>A model whose batch dimension is a number runs batches of exactly that size, the last one padded and the padding unscored.</summary>
public sealed class FixedBatchTests : IDisposable
{
    private static readonly byte[] DynamicModel = SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 2, InputSize: 32, Seed: 7));
    private readonly TempFolder _folder = new();

    [Fact]
    public void ASessionOfAFixedBatchModelTakesTheModelsBatchAndSaysSo()
    {
        using var session = ClassifierSession.Create(FixedBatch(DynamicModel, 4), new ClassifierSessionOptions(InferenceDevice.Cpu, MaxBatchSize: 32, IntraOpThreads: 1));

        Assert.Equal(4, session.FixedBatchSize);
        Assert.Equal(4, session.MaxBatchSize);
        Assert.True(session.FullBatchesOnly);
        Assert.Contains("fixes its batch at 4 images", session.BatchNote);
        Assert.Contains("the batch size of 32 asked for is overridden", session.BatchNote);
        using var batch = session.CreateBatch(1);
        Assert.Equal(4, batch.Capacity);
    }

    [Fact]
    public void ADynamicBatchModelHasNoBatchNote()
    {
        using var session = ClassifierSession.Create(DynamicModel, new ClassifierSessionOptions(InferenceDevice.Cpu, MaxBatchSize: 3, IntraOpThreads: 1));

        Assert.Null(session.FixedBatchSize);
        Assert.Null(session.BatchNote);
        Assert.Equal(3, session.MaxBatchSize);
    }

    [Fact]
    public async Task AFixedBatchModelEvaluatesWithThePredictionsOfTheDynamicOneAndANote()
    {
        await SyntheticImages.WriteImageFolderAsync(Path.Combine(_folder.Path, "data"), classes: 2, imagesPerClass: 3);
        var dynamicPath = _folder.Write("dynamic.onnx", DynamicModel);
        var fixedPath = _folder.Write("fixed.onnx", FixedBatch(DynamicModel, 4));

        var (dynamicReport, dynamicPredictions) = await EvaluateAsync(dynamicPath);
        var (fixedReport, fixedPredictions) = await EvaluateAsync(fixedPath);

        // 6 images in batches of 4: the second batch holds 2 images and 2 slots of padding, never scored.
        Assert.Equal(6, fixedReport.Images);
        Assert.Equal(dynamicReport.Top1Correct, fixedReport.Top1Correct);
        Assert.Equal(dynamicPredictions.Keys.Order(), fixedPredictions.Keys.Order());
        foreach (var (image, prediction) in dynamicPredictions)
        {
            Assert.Equal(prediction.TopClasses, fixedPredictions[image].TopClasses);
            Assert.True(prediction.TopProbabilities.Zip(fixedPredictions[image].TopProbabilities, (a, b) => Math.Abs(a - b)).Max() < 1e-4);
        }

        Assert.Contains(fixedReport.Notes, n => n.Contains("fixes its batch at 4 images"));
        Assert.Empty(dynamicReport.Notes);
    }

    private async Task<(EvaluationReport Report, Dictionary<string, ImagePrediction> Predictions)> EvaluateAsync(string model)
    {
        var predictions = new Dictionary<string, ImagePrediction>();
        var request = new EvaluationRequest(model, new LocalFolderSource(Path.Combine(_folder.Path, "data")), new DatasetSpec(),
            new ClassifierSessionOptions(InferenceDevice.Cpu, MaxBatchSize: 5, IntraOpThreads: 1), new PipelineOptions(DecodeWorkers: 1));
        var (report, _, _) = await LocalEvaluator.RunAsync(request, p =>
        {
            lock (predictions)
            {
                predictions.Add(p.ImageId, p);
            }
        });
        return (report, predictions);
    }

    private static byte[] FixedBatch(byte[] onnx, int batch)
    {
        var model = ModelInspector.Load(onnx);
        model.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimValue = batch;
        model.Graph.Output[0].Type.TensorType.Shape.Dim[0].DimValue = batch;
        return model.ToByteArray();
    }

    public void Dispose() => _folder.Dispose();
}
