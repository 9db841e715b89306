using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;

namespace SENet.Evaluation.Tests.Pipeline;

/// <summary>
/// One pass for several models and views: every evaluation's counts and predictions equal its own single run's,
/// each image is read and decoded once, and each distinct preprocessing is computed once an image.
/// </summary>
public sealed class MultiEvaluationPipelineTests : IDisposable
{
    private const int InputSize = 64;
    private static readonly byte[] SeResNetA = SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 4, InputSize: InputSize, Seed: 9));
    private static readonly byte[] SeResNetB = SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 4, InputSize: InputSize, Seed: 31));
    private static readonly byte[] Linear = TinyLinearModel.Build(InputSize, [0f, 0.01f, -0.01f, 0.02f], weightScale: 5e-3f);

    private static readonly PreprocessSpec Center = new(CropSize: InputSize);
    private static readonly PreprocessSpec Whole = new(CropSize: InputSize, CropPct: 1.0);
    private static readonly PreprocessSpec TenCrop = new(CropSize: InputSize, View: CropView.TenCrop);

    private readonly TempFolder _folder = new();
    private readonly List<LabelledImage> _images = [];

    public MultiEvaluationPipelineTests()
    {
        for (var i = 0; i < 23; i++)
        {
            var path = $"image_{i:D2}.jpg";
            _folder.Write(path, SyntheticImages.RenderJpeg(90 + 7 * i, 70 + 11 * (i % 5), i % 4, i));
            _images.Add(new LabelledImage(path, i % 4));
        }

        var whole = SyntheticImages.RenderJpeg(120, 90, 0, 99);
        _folder.Write("truncated.jpg", whole[..(whole.Length / 2)]);
        _folder.Write("empty.jpg", []);
        _images.Add(new LabelledImage("truncated.jpg", 1));
        _images.Add(new LabelledImage("empty.jpg", 2));
        _images.Add(new LabelledImage("absent.jpg", 3));
    }

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(4, 1, 3)]
    [InlineData(10, 1, 1)]
    [InlineData(12, 2, 4)]
    public async Task EveryModelAndViewCountsAndPredictsExactlyAsItsSingleRun(int batchSize, int streams, int decodeWorkers)
    {
        var options = new ClassifierSessionOptions(InferenceDevice.Cpu, batchSize, IntraOpThreads: 1, Streams: streams);
        using var a = ClassifierSession.Create(SeResNetA, options);
        using var b = ClassifierSession.Create(SeResNetB, options with { MaxBatchSize = Math.Max(1, batchSize / 2) });
        // Ten crops need a batch of at least ten.
        using var linear = ClassifierSession.Create(Linear, options with { MaxBatchSize = Math.Max(10, batchSize) });
        (ClassifierSession Session, PreprocessSpec Spec)[] plan = [(a, Center), (a, Whole), (b, Center), (linear, Center), (linear, TenCrop)];
        var pipelineOptions = new PipelineOptions(ReadConcurrency: 3, DecodeWorkers: decodeWorkers);
        using var decoder = new ImageDecoder();
        var counting = new CountingDecoder(decoder);
        var predictions = plan.Select(_ => new List<ImagePrediction>()).ToArray();

        var pass = await new EvaluationPipeline(new LocalFolderSource(_folder.Path), counting,
            [.. plan.Select((p, i) => new PipelineEvaluation(p.Session, p.Spec, $"evaluation {i}", predictions[i].Add))], pipelineOptions).RunAllAsync(_images);

        for (var i = 0; i < plan.Length; i++)
        {
            var single = new List<ImagePrediction>();
            var alone = await new EvaluationPipeline(plan[i].Session, new LocalFolderSource(_folder.Path), decoder, plan[i].Spec, pipelineOptions).RunAsync(_images, single.Add);
            var together = pass.Evaluations[i];
            Assert.True(together.Counts.CountsEqual(alone.Counts), $"evaluation {i}: {together.Counts.Images}/{together.Counts.Top1Correct} in the pass, {alone.Counts.Images}/{alone.Counts.Top1Correct} alone");
            Assert.Equal(Describe(single), Describe(predictions[i]));
            Assert.Equal(alone.Failures.Select(f => (f.ImageId, f.Stage, f.Reason)).Order(), together.Failures.Select(f => (f.ImageId, f.Stage, f.Reason)).Order());
        }

        const int decodable = 23;
        Assert.Equal(decodable, counting.Decoded);
        Assert.Equal((decodable + 2L, (long)decodable, 3L * decodable), (pass.Reads, pass.Decodes, pass.Preprocessings));
        Assert.Equal(decodable, pass.Evaluations[0].Counts.Images);
        Assert.Equal(3, pass.Evaluations[0].Counts.Failed);
    }

    [Fact]
    public async Task ModelsThatDisagreeGetTheirOwnCounts()
    {
        // A bias that always wins puts the linear model's every top-1 on class 3, whatever the SE-ResNet predicts.
        using var a = ClassifierSession.Create(SeResNetA, new ClassifierSessionOptions(InferenceDevice.Cpu, 4, IntraOpThreads: 1));
        using var biased = ClassifierSession.Create(TinyLinearModel.Build(InputSize, [0f, 0f, 0f, 50f]), new ClassifierSessionOptions(InferenceDevice.Cpu, 4, IntraOpThreads: 1));
        using var decoder = new ImageDecoder();

        var pass = await new EvaluationPipeline(new LocalFolderSource(_folder.Path), decoder, [new PipelineEvaluation(a, Center), new PipelineEvaluation(biased, Center)]).RunAllAsync(_images);

        var byLabel = _images.Take(23).CountBy(i => i.Label).ToDictionary();
        Assert.Equal(byLabel[3], pass.Evaluations[1].Counts.Top1Correct);
        Assert.Equal([0, 0, 0, byLabel[3]], pass.Evaluations[1].Counts.ClassTop1);
        Assert.Equal(23, pass.Evaluations[0].Counts.ClassImages.Sum());
    }

    [Fact]
    public async Task FastDecodeForCropsOfDifferentResizeSizesIsRefusedBeforeAnyRead()
    {
        using var a = ClassifierSession.Create(SeResNetA, new ClassifierSessionOptions(InferenceDevice.Cpu, 4, IntraOpThreads: 1));
        using var decoder = new ImageDecoder();
        var counting = new CountingDecoder(decoder);

        var error = await Assert.ThrowsAsync<ModelValidationException>(() => new EvaluationPipeline(new LocalFolderSource(_folder.Path), counting,
            [new PipelineEvaluation(a, Center with { FastDecode = true }), new PipelineEvaluation(a, Whole with { FastDecode = true })]).RunAllAsync(_images));

        Assert.Contains("--fast-decode", error.Message);
        Assert.Contains("73, 64", error.Message);
        Assert.Equal(0, counting.Decoded);
    }

    [Fact]
    public async Task AModelWhoseInputDiffersFromItsViewIsRefusedByName()
    {
        using var a = ClassifierSession.Create(SeResNetA, new ClassifierSessionOptions(InferenceDevice.Cpu, 4, IntraOpThreads: 1));
        using var decoder = new ImageDecoder();

        var error = await Assert.ThrowsAsync<ModelValidationException>(() => new EvaluationPipeline(new LocalFolderSource(_folder.Path), decoder,
            [new PipelineEvaluation(a, Center, "first"), new PipelineEvaluation(a, new PreprocessSpec(CropSize: 32), "second@32")]).RunAllAsync(_images));

        Assert.StartsWith("second@32: The model takes 64×64 images but preprocessing crops 32×32", error.Message);
    }

    private static List<string> Describe(IEnumerable<ImagePrediction> predictions) =>
        [.. predictions.OrderBy(p => p.ImageId, StringComparer.Ordinal).Select(p =>
            $"{p.ImageId} {p.Label} [{string.Join(',', p.TopClasses)}] [{string.Join(',', p.TopProbabilities.Select(v => BitConverter.SingleToInt32Bits(v)))}] {p.Note}")];
}
