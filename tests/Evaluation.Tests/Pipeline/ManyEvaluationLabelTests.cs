using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;

namespace SENet.Evaluation.Tests.Pipeline;

/// <summary>Several models in one pass keep the label conventions of the job (a masked class subset, ImageNet-ReaL label sets), each model scored as the engine scores it alone.</summary>
public sealed class ManyEvaluationLabelTests : IDisposable
{
    private const int Size = 32;
    private const int Classes = 8;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task EveryModelIsScoredUnderTheSubsetAndLabelSetsAsAlone()
    {
        var images = new List<LabelledImage>();
        int[] labels = [0, 1, 3, 4];
        for (var i = 0; i < 12; i++)
        {
            var label = labels[i % labels.Length];
            var path = $"{label}/img_{i:D2}.jpg";
            _folder.Write(Path.Combine("data", path), SyntheticImages.RenderJpeg(48 + 4 * i, 40 + 3 * i, label, i));
            images.Add(new LabelledImage(path, label));
        }

        // The first model's best logit is class 2, outside the subset; the second's is not biased.
        byte[][] models = [TinyLinearModel.Build(Size, [0f, 0.3f, 4f, 0.2f, 0.4f, 0.1f, 0.35f, 0f], weightScale: 2e-3f), TinyLinearModel.Build(Size, new float[Classes], weightScale: 5e-3f, seed: 8)];
        var paths = models.Select((bytes, i) => _folder.Write($"model{i}.onnx", bytes)).ToList();
        var subsetFile = _folder.Write("subset.txt", "0\n1\n3\n4\n5\n6\n");
        var realFile = _folder.Write("real.json", """{"img_00.jpg": [2, 0], "img_01.jpg": [], "img_02.jpg": [3]}""");
        var data = Path.Combine(_folder.Path, "data");
        var spec = new DatasetSpec(ClassSubsetFile: subsetFile, ClassSubsetMode: ClassSubsetMode.Masked, RealLabelsFile: realFile);
        var session = new ClassifierSessionOptions(InferenceDevice.Cpu, 4, IntraOpThreads: 1);
        var requests = paths.Select(p => new EvaluationRequest(p, new LocalFolderSource(data), spec, session, new PipelineOptions(ReadConcurrency: 2, DecodeWorkers: 2))).ToList();

        var many = await LocalEvaluator.RunManyAsync(requests, [ViewSpec.Center]);

        var subset = new ClassSubset([0, 1, 3, 4, 5, 6], Classes, ClassSubsetMode.Masked);
        var sets = RealLabels.Parse("real.json", await File.ReadAllTextAsync(realFile), Classes);
        for (var m = 0; m < models.Length; m++)
        {
            using var alone = ClassifierSession.Create(models[m], session);
            using var decoder = new ImageDecoder();
            var engine = await new EvaluationPipeline(alone, new LocalFolderSource(data), decoder, new PreprocessSpec(CropSize: Size),
                new PipelineOptions(ClassSubset: subset, LabelSets: true)).RunAsync(sets.Attach(images));
            var outcome = many.Evaluations[m];
            Assert.True(outcome.Result.Counts.CountsEqual(engine.Counts), $"model {m}: {outcome.Result.Counts.Top1Correct} in the pass, {engine.Counts.Top1Correct} alone");
            Assert.Equal(new ClassSubsetReport(subsetFile, 6, "masked"), outcome.Report.Labels!.ClassSubset);
            Assert.Equal((2L, 1L, 9L), (outcome.Report.Labels.Real!.Images, outcome.Report.Labels.Real.EmptySkipped, outcome.Report.Labels.Real.Unlisted));
        }
    }
}
