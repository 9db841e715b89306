using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;

namespace SENet.Evaluation.Tests.Pipeline;

public sealed class LabelConventionPipelineTests : IDisposable
{
    private const int Size = 32;
    private const int Classes = 8;

    // Class 2's bias puts the best logit outside the subset {0, 1, 3, 4, 5, 6} for every image.
    private static readonly byte[] Model = TinyLinearModel.Build(Size, [0f, 0.3f, 4f, 0.2f, 0.4f, 0.1f, 0.35f, 0f], weightScale: 2e-3f);
    private static readonly int[] Subset = [0, 1, 3, 4, 5, 6];

    private readonly TempFolder _folder = new();
    private readonly List<LabelledImage> _images = [];

    public LabelConventionPipelineTests()
    {
        for (var i = 0; i < 13; i++)
        {
            var path = $"img_{i:D2}.jpg";
            _folder.Write(path, SyntheticImages.RenderJpeg(48 + 4 * i, 40 + 3 * i, i % 6, i));
            _images.Add(new LabelledImage(path, Subset[i % Subset.Length]));
        }
    }

    [Fact]
    public async Task MaskedScoringRanksWithinTheSubsetAndArgmaxCountsTheOutsideBestAsWrong()
    {
        using var session = ClassifierSession.Create(Model, new ClassifierSessionOptions(InferenceDevice.Cpu, 4, IntraOpThreads: 1));
        var logits = ReferenceLogits(session, new PreprocessSpec(CropSize: Size));

        var masked = await RunAsync(session, new PreprocessSpec(CropSize: Size), new ClassSubset(Subset, Classes, ClassSubsetMode.Masked));
        var argmax = await RunAsync(session, new PreprocessSpec(CropSize: Size), new ClassSubset(Subset, Classes, ClassSubsetMode.Argmax));

        // By hand, from each image's own logits: the best subset class (masked) or the best class (argmax).
        Assert.All(logits.Values, l => Assert.Equal(2, ArgMax(l, Enumerable.Range(0, Classes))));
        var expectedMasked = _images.Count(i => ArgMax(logits[i.Path], Subset) == i.Label);
        Assert.True(expectedMasked > 0, "the test needs images the masked rule gets right");
        Assert.Equal((13L, expectedMasked), (masked.Result.Counts.Images, masked.Result.Counts.Top1Correct));
        Assert.Equal((13L, 0L), (argmax.Result.Counts.Images, argmax.Result.Counts.Top1Correct));
        Assert.All(masked.Predictions, p => Assert.Equal(ArgMax(logits[p.ImageId], Subset), p.TopClasses[0]));
        Assert.All(masked.Predictions, p => Assert.DoesNotContain(2, p.TopClasses));
        Assert.All(argmax.Predictions, p => Assert.Equal(2, p.TopClasses[0]));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(25)]
    public async Task TenCropsRunInBatchesAndAverageTheirSoftmaxOutputsAsOneImageByItselfDoes(int batchSize)
    {
        using var session = ClassifierSession.Create(Model, new ClassifierSessionOptions(InferenceDevice.Cpu, batchSize, IntraOpThreads: 1));
        var spec = new PreprocessSpec(CropSize: Size, View: CropView.TenCrop);

        var run = await RunAsync(session, spec, null);

        // By hand: each crop run alone, softmax in double, the ten averaged, ranked.
        var preprocessor = new ImagePreprocessor(spec);
        using var decoder = new ImageDecoder();
        using var one = session.CreateBatch(1);
        one.Count = 1;
        var expected = new TopKCounts(Classes);
        var byImage = run.Predictions.ToDictionary(p => p.ImageId);
        foreach (var image in _images)
        {
            using var decoded = decoder.Decode(File.ReadAllBytes(Path.Combine(_folder.Path, image.Path)), DecodeOptions.Exact);
            var tensors = new float[10 * spec.ValuesPerImage];
            preprocessor.Preprocess(decoded, tensors);
            var mean = new double[Classes];
            var rawRowsAreDistributions = true;
            for (var v = 0; v < 10; v++)
            {
                tensors.AsSpan(v * spec.ValuesPerImage, spec.ValuesPerImage).CopyTo(one.Image(0));
                session.Run(one);
                rawRowsAreDistributions &= CalibrationCounts.IsDistribution(one.Scores(0));
                var exp = one.Scores(0).ToArray().Select(s => Math.Exp(s)).ToArray();
                for (var c = 0; c < Classes; c++)
                {
                    mean[c] += exp[c] / exp.Sum() / 10;
                }
            }

            var ranked = Enumerable.Range(0, Classes).OrderByDescending(c => (float)mean[c]).ThenBy(c => c).Take(5).ToArray();
            expected.Add(image.Label, ranked);
            // Calibrated on the averaged probabilities (whatever the model outputs), as they were ranked.
            expected.Calibration.Add(mean.Select(p => (float)p).ToArray(), image.Label, ranked[0], OutputKind.Probabilities, rawRowsAreDistributions);
            Assert.Equal(ranked, byImage[image.Path].TopClasses);
            Assert.Equal(mean[ranked[0]], byImage[image.Path].TopProbabilities[0], 5);
        }

        Assert.True(run.Result.Counts.CountsEqual(expected));
        Assert.Equal((long)Math.Ceiling(_images.Count / (double)(batchSize / 10)), run.Result.Timings.Batches);
    }

    [Fact]
    public async Task TenCropsOnABatchTooSmallForThemAreRefusedNamingTheBatchSize()
    {
        using var session = ClassifierSession.Create(Model, new ClassifierSessionOptions(InferenceDevice.Cpu, 8, IntraOpThreads: 1));

        var error = await Assert.ThrowsAsync<ModelValidationException>(() => RunAsync(session, new PreprocessSpec(CropSize: Size, View: CropView.TenCrop), null));

        Assert.Contains("--batch-size 8 is too small; use at least 10", error.Message);
    }

    [Fact]
    public async Task LabelSetsAreCountedBesideTheLabels()
    {
        using var session = ClassifierSession.Create(Model, new ClassifierSessionOptions(InferenceDevice.Cpu, 4, IntraOpThreads: 1));
        // Every image predicts class 2: a set holding 2 is right, one without it wrong, an empty one skipped.
        IReadOnlyList<int>?[] sets = [[2, 5], [1], [], null];
        var images = _images.Select((image, i) => image with { RealLabels = sets[i % sets.Length] }).ToList();
        using var decoder = new ImageDecoder();

        var result = await new EvaluationPipeline(session, new LocalFolderSource(_folder.Path), decoder, new PreprocessSpec(CropSize: Size),
            new PipelineOptions(ReadConcurrency: 2, DecodeWorkers: 2, LabelSets: true)).RunAsync(images);

        var real = result.Counts.Real;
        Assert.Equal((7L, 4L, 3L, 3L), (real.Images, real.Top1Correct, real.EmptySkipped, real.Unlisted));
        Assert.Equal(0L, result.Counts.Top1Correct);
    }

    private async Task<(EvaluationResult Result, List<ImagePrediction> Predictions)> RunAsync(ClassifierSession session, PreprocessSpec spec, ClassSubset? subset)
    {
        using var decoder = new ImageDecoder();
        var predictions = new List<ImagePrediction>();
        var result = await new EvaluationPipeline(session, new LocalFolderSource(_folder.Path), decoder, spec,
            new PipelineOptions(ReadConcurrency: 3, DecodeWorkers: 2, ClassSubset: subset)).RunAsync(_images, p =>
            {
                lock (predictions)
                {
                    predictions.Add(p);
                }
            });
        return (result, predictions);
    }

    private Dictionary<string, float[]> ReferenceLogits(ClassifierSession session, PreprocessSpec spec)
    {
        var preprocessor = new ImagePreprocessor(spec);
        using var decoder = new ImageDecoder();
        using var batch = session.CreateBatch(1);
        batch.Count = 1;
        var logits = new Dictionary<string, float[]>();
        foreach (var image in _images)
        {
            using var decoded = decoder.Decode(File.ReadAllBytes(Path.Combine(_folder.Path, image.Path)), DecodeOptions.Exact);
            preprocessor.Preprocess(decoded, batch.Image(0));
            session.Run(batch);
            logits[image.Path] = batch.Scores(0).ToArray();
        }

        return logits;
    }

    private static int ArgMax(float[] logits, IEnumerable<int> among) => among.OrderByDescending(c => logits[c]).ThenBy(c => c).First();

    public void Dispose() => _folder.Dispose();
}
