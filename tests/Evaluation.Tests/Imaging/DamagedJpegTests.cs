using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;

namespace SENet.Evaluation.Tests.Imaging;

/// <summary>
/// Broken JPEGs fail alone: a TurboJPEG handle that reported an error is replaced, so it neither crashes the
/// process (libjpeg-turbo 2.1 then reports 0×0 and tjDecompress2 writes a whole image into a tiny buffer) nor poisons
/// the good images decoded after it on the same thread.
/// </summary>
public sealed class DamagedJpegTests
{
    public static TheoryData<string> Cuts() => ["after-SOF", "inside-Huffman-table", "first-300-bytes", "inside-scan"];

    [Theory]
    [MemberData(nameof(Cuts))]
    public void ABrokenJpegFailsAloneAndTheNextImagesOnItsThreadDecodeExactly(string cut)
    {
        Assert.True(TurboJpegDecoder.IsAvailable, "libturbojpeg.so.0 is missing: apt-get install libturbojpeg0 (test.sh does)");
        var goods = Enumerable.Range(0, 6).Select(i => SyntheticImages.RenderJpeg(160 + 8 * i, 120, i, 7)).ToArray();
        var broken = BrokenJpegs.Cut(SyntheticImages.RenderJpeg(320, 240, 3, 9), cut);
        using var fresh = new TurboJpegDecoder();
        var expected = goods.Select(g =>
        {
            using var image = fresh.Decode(g, DecodeOptions.Exact);
            return DecodedPixels.Sha256OfRgb(image);
        }).ToArray();

        using var decoder = new TurboJpegDecoder();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < goods.Length; i++)
            {
                var failure = Assert.Throws<ImageDecodeException>(() => decoder.Decode(broken, DecodeOptions.Exact).Dispose());
                Assert.False(string.IsNullOrWhiteSpace(failure.Message));
                using var image = decoder.Decode(goods[i], DecodeOptions.Exact);
                Assert.Equal((160 + 8 * i, 120), (image.Width, image.Height));
                Assert.Equal(expected[i], DecodedPixels.Sha256OfRgb(image));
            }
        }
    }

    [Fact]
    public async Task BrokenJpegsListedBeforeGoodOnesCostNoGoodImage()
    {
        // The reproduction of the issue: broken JPEGs (cut inside a Huffman table, and after SOF) come first in the
        // labels file, so the decode workers meet them before the photographs; before the fix about a quarter of the
        // good images then failed with "Bogus Huffman table definition", and the run still exited 0.
        using var folder = new TempFolder();
        var lines = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            folder.Write($"data/broken{i:D2}.jpg", BrokenJpegs.Cut(SyntheticImages.RenderJpeg(200, 150, i % 3, 100 + i), i % 2 == 0 ? "inside-Huffman-table" : "after-SOF"));
            lines.Add($"broken{i:D2}.jpg,{i % 3}");
        }

        for (var i = 0; i < 48; i++)
        {
            folder.Write($"data/good{i:D2}.jpg", SyntheticImages.RenderJpeg(200, 150, i % 3, 200 + i));
            lines.Add($"good{i:D2}.jpg,{i % 3}");
        }

        var labels = folder.Write("labels.csv", string.Join('\n', lines) + "\n");
        var source = new LocalFolderSource(Path.Combine(folder.Path, "data"));
        var plan = await DatasetPlanner.PlanAsync(source, new DatasetSpec(LabelsFile: labels), 3);
        using var session = ClassifierSession.Create(SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 32)), new ClassifierSessionOptions(InferenceDevice.Cpu, 8, 1));
        using var decoder = new ImageDecoder();

        async Task<(EvaluationResult Result, Dictionary<string, int> Top1)> RunAsync(IReadOnlyList<LabelledImage> images)
        {
            var top1 = new Dictionary<string, int>();
            var result = await new EvaluationPipeline(session, source, decoder, new PreprocessSpec(32), new PipelineOptions(DecodeWorkers: 2))
                .RunAsync(images, p => { lock (top1) { top1[p.ImageId] = p.TopClasses[0]; } });
            return (result, top1);
        }

        var (mixed, mixedTop1) = await RunAsync(plan.Images);
        var (clean, cleanTop1) = await RunAsync([.. plan.Images.Where(i => i.Path.StartsWith("good", StringComparison.Ordinal))]);

        Assert.Equal(48, mixed.Counts.Images);
        Assert.Equal(12, mixed.Counts.Failed);
        Assert.All(mixed.Failures, f => Assert.StartsWith("broken", f.ImageId));
        Assert.Equal(cleanTop1.OrderBy(p => p.Key), mixedTop1.OrderBy(p => p.Key));
        Assert.Equal(clean.Counts.Top1Correct, mixed.Counts.Top1Correct);
    }

    [Fact]
    public void ATruncatedScanIsRefusedAsPilRefusesIt()
    {
        var jpeg = SyntheticImages.RenderJpeg(320, 240, 1, 5);
        using var decoder = new ImageDecoder();

        var failure = Assert.Throws<ImageDecodeException>(() => decoder.Decode(BrokenJpegs.Cut(jpeg, "inside-scan"), DecodeOptions.Exact).Dispose());

        Assert.Contains("truncated", failure.Message);
    }

    [Fact]
    public void HeaderSizesOfZeroAreAFailureOfThatImage()
    {
        // A SOF0 declaring 0 lines: libjpeg refuses it in the header; the image fails with its reason, nothing else.
        var jpeg = SyntheticImages.RenderJpeg(64, 48, 0, 1);
        var sof = BrokenJpegs.Marker(jpeg, 0xC0);
        jpeg[sof + 5] = 0;
        jpeg[sof + 6] = 0;
        using var decoder = new ImageDecoder();

        Assert.Throws<ImageDecodeException>(() => decoder.Decode(jpeg, DecodeOptions.Exact).Dispose());
        using var good = decoder.Decode(SyntheticImages.RenderJpeg(64, 48, 0, 2), DecodeOptions.Exact);
        Assert.Equal((64, 48), (good.Width, good.Height));
    }
}
