using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;

namespace SENet.Evaluation.Tests.Pipeline;

/// <summary>A run of shards in one pass: each group counts exactly what a pass over it alone counts.</summary>
public sealed class EvaluationPipelineGroupsTests : IDisposable
{
    private const int InputSize = 64;
    private static readonly byte[] Model = SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 4, InputSize: InputSize, Seed: 9));
    private static readonly PreprocessSpec Preprocess = new(CropSize: InputSize);

    private readonly TempFolder _folder = new();
    private readonly List<LabelledImage> _good = [];
    private readonly List<LabelledImage> _bad = [];

    public EvaluationPipelineGroupsTests()
    {
        for (var i = 0; i < 14; i++)
        {
            var path = $"good_{i:D2}.jpg";
            _folder.Write(path, SyntheticImages.RenderJpeg(96 + 8 * i, 80 + 5 * i, i % 4, i));
            _good.Add(new LabelledImage(path, i % 4));
        }

        var whole = SyntheticImages.RenderJpeg(120, 90, 0, 99);
        _bad.Add(new LabelledImage(Path.GetFileName(_folder.Write("truncated.jpg", whole[..(whole.Length / 2)])), 1));
        _bad.Add(new LabelledImage("absent.jpg", 0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task EachGroupCountsWhatItsOwnPassCounts(int batchSize)
    {
        using var session = ClassifierSession.Create(Model, new ClassifierSessionOptions(InferenceDevice.Cpu, batchSize, IntraOpThreads: 1));
        using var decoder = new ImageDecoder();
        // Groups of uneven sizes, one empty, failures in two of them, and the same image (an equal record) in two groups.
        IReadOnlyList<LabelledImage>[] groups =
        [
            [_good[0], _good[1], _good[2], _bad[0]],
            [],
            [.. _good.Skip(3).Take(9), _bad[1]],
            [_good[12], _good[13], new LabelledImage(_good[0].Path, _good[0].Label)],
        ];
        var predictions = new List<ImagePrediction>();

        var results = await new EvaluationPipeline(session, new LocalFolderSource(_folder.Path), decoder, Preprocess).RunGroupsAsync(groups, predictions.Add);

        Assert.Equal(groups.Length, results.Count);
        for (var g = 0; g < groups.Length; g++)
        {
            var alone = await new EvaluationPipeline(session, new LocalFolderSource(_folder.Path), decoder, Preprocess).RunAsync(groups[g]);
            Assert.True(results[g].Counts.CountsEqual(alone.Counts), $"group {g}: {results[g].Counts.Images}/{results[g].Counts.Top1Correct}/{results[g].Counts.Failed} vs alone {alone.Counts.Images}/{alone.Counts.Top1Correct}/{alone.Counts.Failed}");
            Assert.Equal(alone.Failures.Select(f => (f.ImageId, f.Stage)).Order(), results[g].Failures.Select(f => (f.ImageId, f.Stage)).Order());
        }

        Assert.Equal((3L, 1L), (results[0].Counts.Images, results[0].Counts.Failed));
        Assert.Equal((0L, 0L), (results[1].Counts.Images, results[1].Counts.Failed));
        Assert.Equal(groups.Sum(g => g.Count) - _bad.Count, predictions.Count);
    }

    [Fact]
    public async Task EveryEvaluationOfOnePassCountsEachGroupAsItsOwnPassAlone()
    {
        var second = SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 4, InputSize: InputSize, Seed: 21));
        using var first = ClassifierSession.Create(Model, new ClassifierSessionOptions(InferenceDevice.Cpu, 4, IntraOpThreads: 1));
        using var other = ClassifierSession.Create(second, new ClassifierSessionOptions(InferenceDevice.Cpu, 4, IntraOpThreads: 1));
        using var decoder = new ImageDecoder();
        IReadOnlyList<LabelledImage>[] groups = [[_good[0], _good[1], _bad[0]], [.. _good.Skip(2), _bad[1]]];
        var whole = new PreprocessSpec(CropSize: InputSize, CropPct: 1.0);
        (ClassifierSession Session, PreprocessSpec Preprocess)[] evaluations = [(first, Preprocess), (first, whole), (other, Preprocess), (other, whole)];
        var predictions = evaluations.Select(_ => new List<ImagePrediction>()).ToArray();

        var results = await new EvaluationPipeline(new LocalFolderSource(_folder.Path), decoder,
            [.. evaluations.Select((e, i) => new PipelineEvaluation(e.Session, e.Preprocess, $"evaluation {i}", predictions[i].Add))]).RunPartsAsync(groups);

        Assert.Equal(evaluations.Length, results.Count);
        for (var e = 0; e < evaluations.Length; e++)
        {
            Assert.Equal(groups.Length, results[e].Count);
            var alonePredictions = new List<ImagePrediction>();
            var alone = await new EvaluationPipeline(evaluations[e].Session, new LocalFolderSource(_folder.Path), decoder, evaluations[e].Preprocess).RunGroupsAsync(groups, alonePredictions.Add);
            for (var g = 0; g < groups.Length; g++)
            {
                Assert.True(results[e][g].Counts.CountsEqual(alone[g].Counts), $"evaluation {e}, group {g}");
                Assert.Equal(alone[g].Failures.Select(f => (f.ImageId, f.Stage)).Order(), results[e][g].Failures.Select(f => (f.ImageId, f.Stage)).Order());
            }

            Assert.Equal(alonePredictions.OrderBy(p => p.ImageId, StringComparer.Ordinal).Select(p => (p.ImageId, string.Join(",", p.TopClasses), string.Join(",", p.TopProbabilities))),
                predictions[e].OrderBy(p => p.ImageId, StringComparer.Ordinal).Select(p => (p.ImageId, string.Join(",", p.TopClasses), string.Join(",", p.TopProbabilities))));
        }
    }

    public void Dispose() => _folder.Dispose();
}
