using CsCheck;
using Google.Protobuf;
using Onnx;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;

namespace SENet.Evaluation.Tests.Models;

/// <summary>Malformed graphs are refusals naming the node or initializer, never an index, division or key fault.</summary>
public sealed class ModelInspectorTests
{
    private static readonly ModelProto SeResNet18 = WithoutWeights(SeResNetBuilder.Build(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 10, InputSize: 32)));
    private static readonly ModelProto SeResNeXt50 = WithoutWeights(SeResNetBuilder.Build(new SeResNetSpec(SeResNetArchitecture.SeResNeXt50_32x4d, SeResNetLayout.Caffe, Classes: 10, InputSize: 32)));

    [Fact]
    public void TheUnmutatedModelsInspectWithTheirCounts()
    {
        Assert.Equal(11_270_722, ModelInspector.Inspect(SeResNet18).Parameters);
        Assert.NotNull(ModelInspector.Inspect(SeResNet18).MultiplyAccumulates);
        Assert.NotNull(ModelInspector.Inspect(SeResNeXt50).MultiplyAccumulates);
    }

    [Fact]
    public void ConvPadsOfLengthOneAreRefusedNamingTheNode()
    {
        var model = Mutated(m => SetInts(FirstConv(m), "pads", 1));

        var error = Assert.Throws<ModelValidationException>(() => ModelInspector.Inspect(model));

        Assert.Contains("node 'conv1' (Conv) has 1 pads value(s) for 2 spatial dimension(s); it needs 4", error.Message);
    }

    [Fact]
    public void AStrideOfZeroIsRefusedNamingTheNode()
    {
        var model = Mutated(m => SetInts(FirstConv(m), "strides", 0, 2));

        var error = Assert.Throws<ModelValidationException>(() => ModelInspector.Inspect(model));

        Assert.Contains("node 'conv1' (Conv) has strides [0,2]; each must be at least 1", error.Message);
    }

    [Fact]
    public void TwoInitializersOfOneNameAreRefusedNamingIt()
    {
        var model = Mutated(m => m.Graph.Initializer.Add(m.Graph.Initializer.Single(t => t.Name == "conv1.weight").Clone()));

        var error = Assert.Throws<ModelValidationException>(() => ModelInspector.Inspect(model));

        Assert.Contains("initializer 'conv1.weight' is defined twice", error.Message);
    }

    [Theory]
    [InlineData("dilations", new long[] { 0, 1 }, "has dilations [0,1]; each must be at least 1")]
    [InlineData("kernel_shape", new long[] { 0, 0 }, "has kernel_shape [0,0]; it needs 2 values of at least 1")]
    [InlineData("kernel_shape", new long[] { 3, 3 }, "has kernel_shape [3,3] but its weight 'conv1.weight' is [64,3,7,7]")]
    [InlineData("group", new long[] { 0 }, "has group 0; it must be at least 1")]
    [InlineData("group", new long[] { 2, 2 }, "has 2 values for attribute 'group'; it takes one integer")]
    [InlineData("pads", new long[] { -1, 3, 3, 3 }, "has pads [-1,3,3,3]; each must be at least 0")]
    [InlineData("group", new long[] { 3 }, "has 64 output channels, not a multiple of its group 3")]
    [InlineData("pads", new long[] { 0, 0, 0, 0, 0, 0 }, "has 6 pads value(s) for 2 spatial dimension(s); it needs 4")]
    public void BadConvolutionAttributesAreRefusedNamingTheNode(string attribute, long[] values, string expected)
    {
        var model = Mutated(m => SetInts(FirstConv(m), attribute, values));

        var error = Assert.Throws<ModelValidationException>(() => ModelInspector.Inspect(model));

        Assert.Contains($"node 'conv1' (Conv) {expected}", error.Message);
    }

    [Fact]
    public void AStrideAttributeOfTheWrongTypeIsRefused()
    {
        var model = Mutated(m =>
        {
            var conv = FirstConv(m);
            conv.Attribute.Remove(conv.Attribute.Single(a => a.Name == "strides"));
            conv.Attribute.Add(new AttributeProto { Name = "strides", Type = AttributeProto.Types.AttributeType.Floats, Floats = { 2f, 2f } });
        });

        var error = Assert.Throws<ModelValidationException>(() => ModelInspector.Inspect(model));

        Assert.Contains("has attribute 'strides' of type Floats; it must be integers", error.Message);
    }

    [Fact]
    public void AWindowLargerThanItsInputIsRefused()
    {
        var model = Mutated(m => SetInts(m.Graph.Node.First(n => n.OpType == "MaxPool"), "kernel_shape", 40, 40));

        var error = Assert.Throws<ModelValidationException>(() => ModelInspector.Inspect(model));

        Assert.Contains("(MaxPool) has a window of 40 larger than its padded input of 18", error.Message);
    }

    [Fact]
    public void APoolWithoutKernelShapeIsRefused()
    {
        var model = Mutated(m =>
        {
            var pool = m.Graph.Node.First(n => n.OpType == "MaxPool");
            pool.Attribute.Remove(pool.Attribute.Single(a => a.Name == "kernel_shape"));
        });

        Assert.Contains("(MaxPool) has no kernel_shape", Assert.Throws<ModelValidationException>(() => ModelInspector.Inspect(model)).Message);
    }

    [Fact]
    public void NegativeDimensionsAreRefusedNamingTheInitializerOrInput()
    {
        var initializer = Mutated(m => m.Graph.Initializer.Single(t => t.Name == "conv1.weight").Dims[0] = -64);
        var input = Mutated(m => m.Graph.Input[0].Type.TensorType.Shape.Dim[2].DimValue = -32);

        Assert.Contains("initializer 'conv1.weight' has a negative dimension [-64,3,7,7]", Assert.Throws<ModelValidationException>(() => ModelInspector.Inspect(initializer)).Message);
        Assert.Contains("input 'input' has a negative dimension", Assert.Throws<ModelValidationException>(() => ModelInspector.Inspect(input)).Message);
    }

    [Fact]
    public void AConvolutionMissingItsWeightIsRefused()
    {
        var model = Mutated(m => FirstConv(m).Input.RemoveAt(1));

        var error = Assert.Throws<ModelValidationException>(() => ModelInspector.Inspect(model));

        Assert.Contains("node 'conv1' (Conv) has 1 input(s) but needs at least 2", error.Message);
    }

    [Fact]
    public void ANodeWithoutInputsOrOutputsIsRefused()
    {
        var noInput = Mutated(m => m.Graph.Node.First(n => n.OpType == "Relu").Input.Clear());
        var noOutput = Mutated(m => m.Graph.Node.First(n => n.OpType == "Relu").Output.Clear());

        Assert.Contains("(Relu) has 0 input(s) but needs at least 1", Assert.Throws<ModelValidationException>(() => ModelInspector.Inspect(noInput)).Message);
        Assert.Contains("(Relu) has no output", Assert.Throws<ModelValidationException>(() => ModelInspector.Inspect(noOutput)).Message);
    }

    [Fact]
    public void AGemmOfTheWrongRankIsRefused()
    {
        var model = Mutated(m =>
        {
            var weight = m.Graph.Initializer.Single(t => t.Name == "fc.weight");
            weight.Dims.Add(1);
        });

        var error = Assert.Throws<ModelValidationException>(() => ModelInspector.Inspect(model));

        Assert.Contains("node 'fc' (Gemm) multiplies [1,512] by [10,512,1]; Gemm needs two 2-D operands", error.Message);
    }

    [Fact]
    public void AGemmWhoseInnerDimensionsDifferIsRefused()
    {
        var model = Mutated(m => m.Graph.Initializer.Single(t => t.Name == "fc.weight").Dims[1] = 500);

        Assert.Contains("(Gemm) multiplies [1,512] by [500,10]: the inner dimensions differ", Assert.Throws<ModelValidationException>(() => ModelInspector.Inspect(model)).Message);
    }

    [Fact]
    public void DimensionsTooLargeToCountGiveUpOnTheMultiplyAccumulatesInsteadOfOverflowing()
    {
        var model = Mutated(m =>
        {
            var dims = m.Graph.Input[0].Type.TensorType.Shape.Dim;
            dims[2].DimValue = 1L << 40;
            dims[3].DimValue = 1L << 40;
        });

        var description = ModelInspector.Inspect(model);

        Assert.Null(description.MultiplyAccumulates);
    }

    [Fact]
    public void InitializersDeclaringMoreElementsThanALongHoldsAreRefused()
    {
        var model = Mutated(m =>
        {
            var weight = m.Graph.Initializer.Single(t => t.Name == "conv1.weight");
            weight.Dims[0] = 1L << 40;
            weight.Dims[1] = 1L << 40;
        });

        var error = Assert.Throws<ModelValidationException>(() => ModelInspector.Inspect(model));

        Assert.Contains("initializer 'conv1.weight' declares dimensions", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnOutputFromASoftmaxThroughCastsAndReshapesIsReadAsProbabilities(bool castAfter)
    {
        var model = Mutated(m =>
        {
            var logits = m.Graph.Output[0].Name;
            m.Graph.Node.Add(new NodeProto { OpType = "Softmax", Name = "softmax", Input = { logits }, Output = { "prob" } });
            var last = "prob";
            if (castAfter)
            {
                // float16 exports end Softmax → Cast; some add a Flatten or Reshape too.
                m.Graph.Node.Add(new NodeProto { OpType = "Cast", Name = "cast", Input = { "prob" }, Output = { "prob32" } });
                m.Graph.Node.Add(new NodeProto { OpType = "Flatten", Name = "flatten", Input = { "prob32" }, Output = { "prob_flat" } });
                last = "prob_flat";
            }

            m.Graph.Output[0].Name = last;
        });

        var outputs = ModelOutputs.Resolve(OutputKind.Auto, ModelInspector.Inspect(model));

        Assert.Equal((OutputKind.Probabilities, "graph"), (outputs.Kind, outputs.Source));
        Assert.Equal(OutputKind.Logits, ModelOutputs.Resolve(OutputKind.Logits, ModelInspector.Inspect(model)).Kind);
        Assert.Equal(OutputKind.Logits, ModelOutputs.Resolve(OutputKind.Auto, ModelInspector.Inspect(SeResNet18)).Kind);
    }

    [Fact]
    public void AnIdentityLoopAtTheOutputEndsTheSearchForItsProducer()
    {
        var model = Mutated(m =>
        {
            m.Graph.Node.Add(new NodeProto { OpType = "Identity", Name = "a", Input = { "b" }, Output = { "a" } });
            m.Graph.Node.Add(new NodeProto { OpType = "Identity", Name = "b", Input = { "a" }, Output = { "b" } });
            m.Graph.Output[0].Name = "b";
        });

        Assert.False(ModelInspector.Inspect(model).OutputIsProbabilities);
    }

    [Fact]
    public void ASymbolicImageSizeLeavesTheMultiplyAccumulatesUnknownButInspects()
    {
        var model = Mutated(m => m.Graph.Input[0].Type.TensorType.Shape.Dim[2].DimParam = "H");

        var description = ModelInspector.Inspect(model);

        Assert.Null(description.MultiplyAccumulates);
        Assert.Equal("H", description.Inputs[0].Dimensions[2]);
    }

    /// <summary>
    /// Random mutations of the attributes, dimensions, inputs and op types of valid built graphs: inspection either
    /// succeeds or refuses the model with a <see cref="ModelValidationException"/>, whatever the mutation.
    /// </summary>
    [Fact]
    public void RandomlyMutatedGraphsInspectOrAreRefusedButNeverCrash()
    {
        Gen<long> value = Gen.OneOf(
            Gen.Long[-3, 8],
            Gen.OneOf<long>(long.MinValue, long.MaxValue, int.MaxValue, 1L << 32, 1L << 62, -(1L << 40)));
        var mutation = Gen.Select(Gen.Int[0, 9], Gen.Int[0, int.MaxValue], Gen.Int[0, 9], value.Array[0, 6], (kind, target, choice, values) => new Mutation(kind, target, choice, values));
        var mutations = Gen.Select(Gen.Bool, mutation.Array[1, 4]);

        mutations.Sample(
            ((bool NeXt, Mutation[] Steps) sample) =>
            {
                var model = (sample.NeXt ? SeResNeXt50 : SeResNet18).Clone();
                foreach (var step in sample.Steps)
                {
                    step.ApplyTo(model);
                }

                try
                {
                    ModelInspector.Inspect(model);
                }
                catch (ModelValidationException)
                {
                }
            },
            iter: 3000);
    }

    /// <summary>
    /// The same mutations, with the weights kept, all the way through ONNX Runtime's load and the warm-up run on the CPU:
    /// a session or a <see cref="ModelValidationException"/>, never another exception (fewer samples: each loads a session).
    /// </summary>
    [Fact]
    public void RandomlyMutatedGraphsLoadOrAreRefusedByTheSessionToo()
    {
        var withWeights = SeResNetBuilder.Build(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 2, InputSize: 32));
        Gen<long> value = Gen.OneOf(Gen.Long[-1, 4], Gen.OneOf<long>(long.MaxValue, 1L << 40));
        var mutation = Gen.Select(Gen.Int[0, 9], Gen.Int[0, int.MaxValue], Gen.Int[0, 9], value.Array[0, 4], (kind, target, choice, values) => new Mutation(kind, target, choice, values));

        mutation.Array[1, 2].Sample(
            steps =>
            {
                var model = withWeights.Clone();
                foreach (var step in steps)
                {
                    step.ApplyTo(model);
                }

                try
                {
                    using var session = ClassifierSession.Create(model.ToByteArray(), new ClassifierSessionOptions(InferenceDevice.Cpu, MaxBatchSize: 1, IntraOpThreads: 1));
                }
                catch (ModelValidationException)
                {
                }
            },
            iter: 40,
            threads: 1);
    }

    private static ModelProto WithoutWeights(ModelProto model)
    {
        foreach (var tensor in model.Graph.Initializer)
        {
            tensor.RawData = ByteString.Empty;
        }

        return model;
    }

    private static ModelProto Mutated(Action<ModelProto> change)
    {
        var model = SeResNet18.Clone();
        change(model);
        return model;
    }

    private static NodeProto FirstConv(ModelProto model) => model.Graph.Node.First(n => n.OpType == "Conv");

    private static void SetInts(NodeProto node, string name, params long[] values)
    {
        var existing = node.Attribute.FirstOrDefault(a => a.Name == name);
        if (existing is not null)
        {
            node.Attribute.Remove(existing);
        }

        node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } });
    }
}
