using SENet.Evaluation.Models;

namespace SENet.Evaluation.Tests.Models;

public sealed class SeResNetBuilderTests
{
    [Fact]
    public void ResNet50WithoutSeBlocksHasTorchvisionParameterCount()
    {
        var model = SeResNetBuilder.Build(new SeResNetSpec(SeResNetArchitecture.SeResNet50, ReductionRatio: 0));

        Assert.Equal(25_557_032, ModelInspector.Inspect(model).Parameters);
    }

    [Theory]
    [InlineData(SeResNetLayout.Timm)]
    [InlineData(SeResNetLayout.Caffe)]
    public void SeResNet50HasPaperParameterCount(SeResNetLayout layout)
    {
        var model = SeResNetBuilder.Build(new SeResNetSpec(SeResNetArchitecture.SeResNet50, layout));

        Assert.Equal(28_088_024, ModelInspector.Inspect(model).Parameters);
    }

    [Fact]
    public void SeResNet50CaffeLayoutMultiplyAccumulatesMatchPaperTable2()
    {
        var description = ModelInspector.Inspect(SeResNetBuilder.Build(new SeResNetSpec(SeResNetArchitecture.SeResNet50, SeResNetLayout.Caffe)));

        var paperGigaFlops = 3.87;
        Assert.NotNull(description.MultiplyAccumulates);
        var relativeError = Math.Abs(description.MultiplyAccumulates!.Value / 1e9 - paperGigaFlops) / paperGigaFlops;
        Assert.True(relativeError < 0.01, $"MACs {description.MultiplyAccumulates:N0} are {relativeError:P2} from the paper's 3.87 G");
    }

    [Fact]
    public void TimmLayoutSpendsMoreMultiplyAccumulatesThanCaffeLayout()
    {
        var timm = ModelInspector.Inspect(SeResNetBuilder.Build(new SeResNetSpec(SeResNetArchitecture.SeResNet50, SeResNetLayout.Timm)));

        // Striding in the 3×3 instead of the first 1×1 runs the 3×3 at the higher resolution: 4.09 G in timm's count.
        Assert.InRange(timm.MultiplyAccumulates!.Value / 1e9, 4.05, 4.13);
    }

    [Theory]
    [InlineData("seresnet18", 11_778_592)]
    [InlineData("seresnet34", 21_958_868)]
    [InlineData("seresnet101", 49_326_872)]
    [InlineData("seresnet152", 66_821_848)]
    [InlineData("seresnext50_32x4d", 27_559_896)]
    public void OtherFamilyMembersHaveTheirPublishedParameterCounts(string name, long expected)
    {
        var model = SeResNetBuilder.Build(new SeResNetSpec(SeResNetArchitecture.Parse(name)));

        Assert.Equal(expected, ModelInspector.Inspect(model).Parameters);
    }

    [Fact]
    public void MetadataRecordsTheSpecAndTheCounts()
    {
        var spec = new SeResNetSpec(SeResNetArchitecture.SeResNet18, SeResNetLayout.Caffe, ReductionRatio: 8, Classes: 10, InputSize: 64, Seed: 7);
        var description = ModelInspector.Inspect(SeResNetBuilder.Build(spec));

        Assert.Equal("seresnet18", description.GetMetadata(ModelMetadataKeys.Architecture));
        Assert.Equal("caffe", description.GetMetadata(ModelMetadataKeys.Layout));
        Assert.Equal("8", description.GetMetadata(ModelMetadataKeys.ReductionRatio));
        Assert.Equal("10", description.GetMetadata(ModelMetadataKeys.Classes));
        Assert.Equal(description.Parameters.ToString(), description.GetMetadata(ModelMetadataKeys.Parameters));
        Assert.Equal(description.MultiplyAccumulates.ToString(), description.GetMetadata(ModelMetadataKeys.MultiplyAccumulates));
        Assert.Equal(["N", "3", "64", "64"], description.Inputs.Single().Dimensions);
        Assert.Equal(["N", "10"], description.Outputs.Single().Dimensions);
    }

    [Fact]
    public void SameSeedGivesSameBytesAndOtherSeedDifferentWeights()
    {
        var spec = new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 10, InputSize: 64, Seed: 3);

        Assert.Equal(SeResNetBuilder.BuildBytes(spec), SeResNetBuilder.BuildBytes(spec));
        Assert.NotEqual(SeResNetBuilder.BuildBytes(spec), SeResNetBuilder.BuildBytes(spec with { Seed = 4 }));
    }

    [Fact]
    public void Fp16VariantHasTheSameParametersInHalfTheBytesBehindAFloat32Interface()
    {
        var spec = new SeResNetSpec(SeResNetArchitecture.SeResNet50, SeResNetLayout.Caffe);
        var fp32 = SeResNetBuilder.Build(spec);
        var fp16 = SeResNetBuilder.Build(spec with { Fp16 = true });
        var description = ModelInspector.Inspect(fp16);

        Assert.Equal(28_088_024, description.Parameters);
        Assert.Equal(ModelInspector.Inspect(fp32).MultiplyAccumulates, description.MultiplyAccumulates);
        Assert.All(fp16.Graph.Initializer, t => Assert.Equal((int)Onnx.TensorProto.Types.DataType.Float16, t.DataType));
        Assert.Equal(fp32.Graph.Initializer.Sum(t => t.RawData.Length), 2 * fp16.Graph.Initializer.Sum(t => t.RawData.Length));
        Assert.Equal("float16", description.GetMetadata(ModelMetadataKeys.Precision));
        Assert.Equal(["float[N,3,224,224]"], description.Inputs.Select(i => $"{i.ElementType}[{string.Join(',', i.Dimensions)}]"));
        Assert.Equal(["float[N,1000]"], description.Outputs.Select(o => $"{o.ElementType}[{string.Join(',', o.Dimensions)}]"));
    }

    [Fact]
    public void Fp16VariantScoresCloseToFloat32AndKeepsTheTopClassOnTheCpu()
    {
        // ONNX Runtime's CPU provider has no float16 convolutions: it inserts casts and computes in float32, so this
        // measures the rounding of the weights; the GPU test measures float16 arithmetic too.
        var spec = new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 50, InputSize: 64, Seed: 6);
        using var fp32 = ClassifierSession.Create(SeResNetBuilder.BuildBytes(spec), new ClassifierSessionOptions(InferenceDevice.Cpu, MaxBatchSize: 8, IntraOpThreads: 1));
        using var fp16 = ClassifierSession.Create(SeResNetBuilder.BuildBytes(spec with { Fp16 = true }), new ClassifierSessionOptions(InferenceDevice.Cpu, MaxBatchSize: 8, IntraOpThreads: 1));
        using var a = fp32.CreateBatch();
        using var b = fp16.CreateBatch();
        var random = new Random(8);
        for (var i = 0; i < 8; i++)
        {
            var image = a.Image(i);
            for (var j = 0; j < image.Length; j++)
            {
                image[j] = (float)(random.NextDouble() * 4 - 2);
            }

            image.CopyTo(b.Image(i));
        }

        a.Count = b.Count = 8;
        fp32.Run(a);
        fp16.Run(b);

        var largestLogit = Enumerable.Range(0, 8).Max(i => a.Scores(i).ToArray().Max(Math.Abs));
        var largestChange = Enumerable.Range(0, 8).Max(i => a.Scores(i).ToArray().Zip(b.Scores(i).ToArray(), (x, y) => Math.Abs(x - y)).Max());
        Assert.True(largestChange > 0, "rounding the weights to float16 should move the logits");
        Assert.True(largestChange < 0.02 * largestLogit, $"logits moved by {largestChange} (largest logit {largestLogit})");
        var sameTop1 = Enumerable.Range(0, 8).Count(i => TopClass(a.Scores(i)) == TopClass(b.Scores(i)));
        Assert.True(sameTop1 >= 7, $"fp16 keeps the top class of {sameTop1} of 8 images");
    }

    private static int TopClass(ReadOnlySpan<float> scores)
    {
        var best = 0;
        for (var i = 1; i < scores.Length; i++)
        {
            best = scores[i] > scores[best] ? i : best;
        }

        return best;
    }
}
