using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;
using SENet.Evaluation.Tests.Imaging;
using SkiaSharp;

namespace SENet.Evaluation.Tests.Pipeline;

/// <summary>The catalogue of bad and awkward inputs: each is scored or is a failure with its reason; the run goes on.</summary>
public sealed class BadInputsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task EveryAwkwardImageIsScoredOrCountedWithItsReason()
    {
        var good = SyntheticImages.RenderJpeg(120, 90, 0, 1);
        var truncated = SyntheticImages.RenderJpeg(120, 90, 0, 2);
        _folder.Write("data/c/good.jpg", good);
        _folder.Write("data/c/truncated.jpg", truncated[..(truncated.Length / 2)]);
        _folder.Write("data/c/zero-bytes.jpg", []);
        _folder.Write("data/c/not-an-image.png", "%PDF-1.4 this is a document"u8.ToArray());
        _folder.Write("data/c/bomb.png", HandMadeImages.PngDeclaring(100_000, 100_000));
        _folder.Write("data/c/one-pixel.png", OnePixelPng());
        _folder.Write("data/c/sixteen-bit.png", HandMadeImages.Png16Bit());
        _folder.Write("data/c/cmyk.jpg", File.ReadAllBytes(Path.Combine(PreprocessFixture.Folder, "cmyk_320x240_q90.jpg")));
        _folder.Write("data/c/animated.gif", HandMadeImages.AnimatedGif());
        _folder.Write("data/c/my holiday photo.jpg", good);
        _folder.Write("data/c/café ñ 日本.jpg", good);
        _folder.Write("data/c/a..b.jpg", good);
        var source = new LocalFolderSource(Path.Combine(_folder.Path, "data"));
        var plan = await DatasetPlanner.PlanAsync(source, new DatasetSpec(), 1);
        using var session = ClassifierSession.Create(SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 1, InputSize: 32)), new ClassifierSessionOptions(InferenceDevice.Cpu, 4));
        using var decoder = new ImageDecoder();

        var result = await new EvaluationPipeline(session, source, decoder, new PreprocessSpec(32), new PipelineOptions(MaxPixels: 50_000_000)).RunAsync(plan.Images);

        var failures = result.Failures.ToDictionary(f => f.ImageId, f => f.Reason);
        Assert.Equal(12, plan.Images.Count);
        Assert.Equal(8, result.Counts.Images);
        Assert.Equal(4, result.Counts.Failed);
        Assert.Contains("truncated", failures["c/truncated.jpg"]);
        Assert.Contains("empty file", failures["c/zero-bytes.jpg"]);
        Assert.Contains("not a recognised image", failures["c/not-an-image.png"]);
        Assert.Contains("100000×100000", failures["c/bomb.png"]);
        Assert.Contains("over the limit of 50,000,000", failures["c/bomb.png"]);
    }

    [Fact]
    public async Task ALabelsEntryThatClimbsOutOfTheDatasetIsReportedAndNeverRead()
    {
        _folder.Write("secret.jpg", SyntheticImages.RenderJpeg(64, 48, 0, 3));
        _folder.Write("data/ok.jpg", SyntheticImages.RenderJpeg(64, 48, 0, 4));
        var labels = _folder.Write("labels.csv", "ok.jpg,0\n../secret.jpg,0\n");

        var plan = await DatasetPlanner.PlanAsync(new LocalFolderSource(Path.Combine(_folder.Path, "data")),
            new DatasetSpec(LabelsFile: labels, OnMissing: MissingPolicy.SkipAndReport), 1);

        Assert.Equal([new LabelledImage("ok.jpg", 0)], plan.Images);
        Assert.Equal(DatasetIssueKind.MissingImage, plan.Issues.Single(i => i.Path == "../secret.jpg").Kind);
    }

    private static byte[] OnePixelPng()
    {
        using var bitmap = new SKBitmap(1, 1);
        bitmap.SetPixel(0, 0, new SKColor(200, 30, 40));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public void Dispose() => _folder.Dispose();
}
