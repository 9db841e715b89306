using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;
using SENet.Evaluation.Reproducibility;

namespace SENet.Evaluation.Tests.Reproducibility;

public sealed class DecodingRecordTests : IDisposable
{
    private const int InputSize = 32;
    private static readonly byte[] Model = SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: InputSize, Seed: 5));

    private readonly TempFolder _folder = new();
    private readonly List<LabelledImage> _images = [];

    public DecodingRecordTests()
    {
        for (var i = 0; i < 5; i++)
        {
            _images.Add(new LabelledImage(System.IO.Path.GetFileName(_folder.Write($"photo_{i}.jpg", SyntheticImages.RenderJpeg(80, 60, i % 3, i))), i % 3));
        }

        using var bitmap = new SkiaSharp.SKBitmap(40, 30);
        bitmap.Erase(SkiaSharp.SKColors.Coral);
        using var png = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        _images.Add(new LabelledImage(System.IO.Path.GetFileName(_folder.Write("drawing.png", png.ToArray())), 1));
    }

    private async Task<IReadOnlyList<DecoderUse>> DecodersOfARunAsync(ImageDecoder decoder, bool fastDecode = false)
    {
        using var session = ClassifierSession.Create(Model, new ClassifierSessionOptions(InferenceDevice.Cpu, 4, IntraOpThreads: 1));
        var pipeline = new EvaluationPipeline(session, new LocalFolderSource(_folder.Path), decoder, new PreprocessSpec(CropSize: InputSize, FastDecode: fastDecode));
        var result = await pipeline.RunAsync(_images, _ => { });
        Assert.Equal(_images.Count, result.Counts.Images);
        return decoder.Tally.Snapshot().Select(p => p.Key.Split(": ") is [var format, var name] ? new DecoderUse(format, name, p.Value) : throw new InvalidDataException(p.Key)).ToList();
    }

    [Fact]
    public async Task ARunWithoutLibturbojpegIsMarkedNotPilExactNamingThePackage()
    {
        // The absence injected where the engine chooses its JPEG decoder: what a machine without libturbojpeg0 gets.
        using var decoder = ImageDecoder.WithoutTurboJpeg("libturbojpeg.so.0 not found (injected by the test)");

        var decoders = await DecodersOfARunAsync(decoder);
        var (pilExact, note) = ReproducibilityRecord.JudgeDecoding(decoders);

        Assert.Contains(new DecoderUse("jpeg", DecodeTally.Skia, 5), decoders);
        Assert.Contains(new DecoderUse("png", DecodeTally.Skia, 1), decoders);
        Assert.False(pilExact);
        Assert.Contains("5 JPEGs were decoded by Skia", note);
        Assert.Contains("libturbojpeg0", note);
    }

    [Fact]
    public async Task ARunWithLibturbojpegIsPilExact()
    {
        Assert.True(TurboJpegDecoder.IsAvailable, "libturbojpeg.so.0 is missing: apt-get install libturbojpeg0 (test.sh does)");
        using var decoder = new ImageDecoder();

        var decoders = await DecodersOfARunAsync(decoder);

        Assert.Equal([new DecoderUse("jpeg", DecodeTally.TurboJpeg, 5), new DecoderUse("png", DecodeTally.Skia, 1)], decoders.OrderBy(d => d.Format));
        Assert.Equal((true, null), ReproducibilityRecord.JudgeDecoding(decoders));
    }

    [Fact]
    public void ReducedScaleJpegDecodesAreNotPilExact()
    {
        var (pilExact, note) = ReproducibilityRecord.JudgeDecoding([new DecoderUse("jpeg", DecodeTally.TurboJpeg, 10), new DecoderUse("jpeg", DecodeTally.TurboJpegReduced, 3)]);

        Assert.False(pilExact);
        Assert.Contains("3 JPEGs were decoded at reduced DCT scale", note);
    }

    [Fact]
    public void TheManifestDigestIsTheImageListsAndDoesNotDependOnSharding()
    {
        LabelledImage[] images = [new("a/1.jpg", 0), new("a/2.jpg", 0), new("b/3.jpg", 1)];
        using var whole = new ManifestDigest();
        using var sharded = new ManifestDigest();
        using var relabelled = new ManifestDigest();

        whole.Add(images);
        sharded.Add(images[..2]);
        sharded.Add(images[2..]);
        relabelled.Add([images[0], images[1], images[2] with { Label = 2 }]);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("a/1.jpg\t0\na/2.jpg\t0\nb/3.jpg\t1\n"u8.ToArray()));

        var digest = whole.Finish();
        Assert.Equal(expected, digest);
        Assert.Equal(digest, sharded.Finish());
        Assert.NotEqual(digest, relabelled.Finish());
    }

    [Fact]
    public void ThePreprocessingRecordSpellsOutTheTransform()
    {
        var caffe = PreprocessingRecord.From(new PreprocessSpec(224, 0.875, Interpolation.Bicubic, Normalization.Caffe, FastDecode: true));
        var imagenet = PreprocessingRecord.From(new PreprocessSpec(320, 1.0));

        Assert.Equal((256, 224, "bicubic", "BGR", 255.0, true), (caffe.Resize, caffe.Crop, caffe.Interpolation, caffe.ChannelOrder, caffe.PixelScale, caffe.FastDecode));
        Assert.Equal([104.0, 117, 123], caffe.Mean);
        Assert.Equal((320, 320, "bilinear", "RGB"), (imagenet.Resize, imagenet.Crop, imagenet.Interpolation, imagenet.ChannelOrder));
        Assert.Equal([0.229, 0.224, 0.225], imagenet.Std);
    }

    public void Dispose() => _folder.Dispose();
}
