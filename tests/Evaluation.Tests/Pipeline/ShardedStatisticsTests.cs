using System.Text.Json;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;

namespace SENet.Evaluation.Tests.Pipeline;

public sealed class ShardedStatisticsTests : IDisposable
{
    private const int InputSize = 64;
    private static readonly byte[] Model = SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 4, InputSize: InputSize, Seed: 5));

    private readonly TempFolder _folder = new();
    private readonly List<LabelledImage> _images = [];

    public ShardedStatisticsTests()
    {
        for (var i = 0; i < 21; i++)
        {
            var path = $"img_{i:D2}.jpg";
            _folder.Write(path, SyntheticImages.RenderJpeg(80 + 4 * i, 72 + 3 * i, i % 4, i));
            _images.Add(new LabelledImage(path, (i * 7) % 4));
        }
    }

    [Fact]
    public async Task SevenShardsMergedGiveTheOneShardRunsIntervalsAndCalibrationExactly()
    {
        using var session = ClassifierSession.Create(Model, new ClassifierSessionOptions(InferenceDevice.Cpu, 4, IntraOpThreads: 1));
        using var decoder = new ImageDecoder();
        var pipeline = new EvaluationPipeline(session, new LocalFolderSource(_folder.Path), decoder, new PreprocessSpec(CropSize: InputSize));

        var whole = (await pipeline.RunAsync(_images)).Counts;
        var merged = new TopKCounts(session.Classes);
        // Seven shards of three, run and merged in an order unlike the images'.
        foreach (var shard in new[] { 4, 0, 6, 2, 5, 1, 3 })
        {
            merged.Merge((await pipeline.RunAsync(_images.Skip(3 * shard).Take(3).ToList())).Counts);
        }

        var outputs = ModelOutputs.Resolve(OutputKind.Auto, session.Description);
        var one = EvaluationReport.Create(whole, "m", "d", "cpu", confidenceLevel: 0.9, outputs: outputs);
        var seven = EvaluationReport.Create(merged, "m", "d", "cpu", confidenceLevel: 0.9, outputs: outputs);
        Assert.True(merged.CountsEqual(whole));
        Assert.Equal(_images.Count, whole.Calibration.Images);
        Assert.Equal(one.Intervals, seven.Intervals);
        Assert.Equal(one.PerClass, seven.PerClass);
        Assert.Equal(JsonSerializer.Serialize(one.Calibration, ReportWriter.JsonOptions), JsonSerializer.Serialize(seven.Calibration, ReportWriter.JsonOptions));
        Assert.Equal(OutputKind.Logits, outputs.Kind);
    }

    public void Dispose() => _folder.Dispose();
}
