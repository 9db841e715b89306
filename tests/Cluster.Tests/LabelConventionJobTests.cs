using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;
using SENet.Evaluation.Tests.Pipeline;

namespace SENet.Cluster.Tests;

/// <summary>
/// The label conventions through a cluster job: an ImageNet-V2-layout dataset, a masked or argmax class subset, label
/// sets and the ten-crop view reach the workers through the job's manifests, and every count equals the engine's.
/// </summary>
public sealed class LabelConventionJobTests(SingleSiloFixture single) : IClassFixture<SingleSiloFixture>, IDisposable
{
    private const int Size = 32;
    private const int Classes = 8;

    private readonly string _folder = Directory.CreateTempSubdirectory("senet-labels-").FullName;

    [Theory]
    [InlineData("masked", "center", 4)]
    [InlineData("argmax", "center", 4)]
    [InlineData("masked", "tencrop", 20)]
    public async Task AJobScoresEveryConventionAsTheEngineDoes(string mode, string view, int batchSize)
    {
        var images = await WriteDatasetAsync();
        var subsetFile = Path.Combine(_folder, "subset.txt");
        await File.WriteAllTextAsync(subsetFile, "0\n1\n3\n4\n5\n6\n");
        var realFile = Path.Combine(_folder, "real.json");
        await File.WriteAllTextAsync(realFile, """{"img_00.jpg": [2, 0], "img_01.jpg": [], "img_02.jpg": [3]}""");
        var spec = new JobSpec
        {
            ModelPath = Path.Combine(_folder, "model.onnx"),
            DataPath = Path.Combine(_folder, "data"),
            ShardSize = 5,
            BatchSize = batchSize,
            DevicePolicy = DevicePolicy.Cpu,
            OutputFolder = Path.Combine(_folder, "out", $"{mode}-{view}"),
            LeaseTimeout = TimeSpan.FromSeconds(20),
            View = ViewSpec.Parse(view),
            ClassSubsetFile = subsetFile,
            ClassSubsetMode = JobSpecRules.ClassSubsetModes.Parse(mode),
            RealLabelsFile = realFile,
        };

        var report = await JobDriver.RunAsync(single.Grains, $"labels-{mode}-{view}", spec);

        // The engine alone, on the same images with the same conventions.
        using var session = ClassifierSession.Create(await File.ReadAllBytesAsync(spec.ModelPath), new ClassifierSessionOptions(InferenceDevice.Cpu, batchSize, IntraOpThreads: 1));
        using var decoder = new ImageDecoder();
        var subset = new ClassSubset([0, 1, 3, 4, 5, 6], Classes, mode == "masked" ? ClassSubsetMode.Masked : ClassSubsetMode.Argmax);
        var sets = RealLabels.Parse("real.json", await File.ReadAllTextAsync(realFile), Classes);
        var engine = await new EvaluationPipeline(session, new LocalFolderSource(spec.DataPath), decoder,
            new PreprocessSpec(CropSize: Size, View: view == "tencrop" ? CropView.TenCrop : CropView.Center),
            new PipelineOptions(ClassSubset: subset, LabelSets: true)).RunAsync(sets.Attach(images));

        Assert.Equal((engine.Counts.Images, engine.Counts.Top1Correct, engine.Counts.Top5Correct), (report.Images, report.Top1Correct, report.Top5Correct));
        if (mode == "argmax")
        {
            // Every image's best logit is class 2, outside the subset: wrong under argmax, whatever the label.
            Assert.Equal(0, report.Top1Correct);
        }

        Assert.Equal(view, report.View);
        Assert.Equal(new ClassSubsetReport(subsetFile, 6, mode), report.Labels!.ClassSubset);
        Assert.Contains("ImageNet-V2", report.Labels.ClassFolders);
        var real = report.Labels.Real!;
        Assert.Equal((engine.Counts.Real.Images, engine.Counts.Real.Top1Correct, engine.Counts.Real.Top5Correct), (real.Images, real.Top1Correct, real.Top5Correct));
        Assert.Equal((2L, 1L, 9L), (real.Images, real.EmptySkipped, real.Unlisted));
        Assert.Equal(report.Top1, real.OriginalTop1);
    }

    [Fact]
    public async Task TenCropsOnABatchTooSmallAreRefusedBeforeAnyWork()
    {
        await WriteDatasetAsync();
        var spec = new JobSpec { ModelPath = Path.Combine(_folder, "model.onnx"), DataPath = Path.Combine(_folder, "data"), BatchSize = 4, DevicePolicy = DevicePolicy.Cpu, OutputFolder = Path.Combine(_folder, "out", "refused"), View = ViewSpec.Parse("tencrop") };

        var error = await Assert.ThrowsAsync<JobRejectedException>(() => single.Grains.GetGrain<IEvaluationJobGrain>("labels-refused").StartAsync(spec));

        Assert.Contains("--batch-size 4 is too small; use at least 10", error.Message);
    }

    [Fact]
    public async Task AViewWhoseCropIsNotTheModelsInputIsRefusedBeforeAnyWork()
    {
        await WriteDatasetAsync();
        var spec = new JobSpec { ModelPath = Path.Combine(_folder, "model.onnx"), DataPath = Path.Combine(_folder, "data"), DevicePolicy = DevicePolicy.Cpu, OutputFolder = Path.Combine(_folder, "out", "size"), View = ViewSpec.Parse("224@0.875") };

        var error = await Assert.ThrowsAsync<JobRejectedException>(() => single.Grains.GetGrain<IEvaluationJobGrain>("labels-view-size").StartAsync(spec));

        Assert.Contains("--view 224@0.875 crops 224×224, but the model takes 32×32 images. Use --view 32@0.875", error.Message);
    }

    /// <summary>ImageNet-V2's layout (folders named by class index), labels 0, 1, 3, 4 — all in the subset; the model's best logit is class 2, outside it.</summary>
    private async Task<List<LabelledImage>> WriteDatasetAsync()
    {
        await File.WriteAllBytesAsync(Path.Combine(_folder, "model.onnx"), TinyLinearModel.Build(Size, [0f, 0.3f, 4f, 0.2f, 0.4f, 0.1f, 0.35f, 0f], weightScale: 2e-3f));
        var images = new List<LabelledImage>();
        int[] labels = [0, 1, 3, 4];
        for (var i = 0; i < 12; i++)
        {
            var label = labels[i % labels.Length];
            var path = $"{label}/img_{i:D2}.jpg";
            Directory.CreateDirectory(Path.Combine(_folder, "data", label.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            await File.WriteAllBytesAsync(Path.Combine(_folder, "data", path), SyntheticImages.RenderJpeg(48 + 4 * i, 40 + 3 * i, label, i));
            images.Add(new LabelledImage(path, label));
        }

        return images;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
