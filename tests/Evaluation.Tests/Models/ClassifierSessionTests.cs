using Google.Protobuf;
using Onnx;
using SENet.Evaluation.Models;

namespace SENet.Evaluation.Tests.Models;

public sealed class ClassifierSessionTests
{
    private static readonly byte[] SmallModel =
        SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 10, InputSize: 64, Seed: 5));

    [Fact]
    public void BatchedScoresEqualOneImageAtATimeAndDifferBetweenImages()
    {
        using var session = ClassifierSession.Create(SmallModel, new ClassifierSessionOptions(InferenceDevice.Cpu, MaxBatchSize: 4, IntraOpThreads: 1));
        Assert.Equal((64, 64, 10), (session.InputHeight, session.InputWidth, session.Classes));

        using var batch = session.CreateBatch();
        var random = new Random(3);
        for (var i = 0; i < 3; i++)
        {
            var image = batch.Image(i);
            for (var j = 0; j < image.Length; j++)
            {
                image[j] = (float)(random.NextDouble() * 2 - 1);
            }
        }

        batch.Count = 3;
        session.Run(batch);
        var batched = Enumerable.Range(0, 3).Select(i => batch.Scores(i).ToArray()).ToArray();

        using var single = session.CreateBatch(1);
        single.Count = 1;
        for (var i = 0; i < 3; i++)
        {
            batch.Image(i).CopyTo(single.Image(0));
            session.Run(single);
            var alone = single.Scores(0).ToArray();
            Assert.All(alone, v => Assert.True(float.IsFinite(v)));
            Assert.True(alone.Zip(batched[i], (a, b) => Math.Abs(a - b)).Max() < 1e-4);
        }

        Assert.True(batched[0].Zip(batched[1], (a, b) => Math.Abs(a - b)).Max() > 1e-3, "different images should give different logits");
    }

    [Fact]
    public void BytesThatAreNotOnnxAreRefusedWithAClearError()
    {
        var error = Assert.Throws<ModelValidationException>(() => ClassifierSession.Create("not a model"u8.ToArray()));

        Assert.Contains("not an ONNX model", error.Message);
    }

    [Fact]
    public void ModelWithoutClassifierOutputIsRefusedNamingItsInputsAndOutputs()
    {
        var error = Assert.Throws<ModelValidationException>(() => ClassifierSession.Create(FeatureMapModel(), new ClassifierSessionOptions(InferenceDevice.Cpu)));

        Assert.Contains("pixels: float[N,3,32,32]", error.Message);
        Assert.Contains("features: float[N,8,32,32]", error.Message);
        Assert.Contains("[N,C]", error.Message);
    }

    [Fact]
    public void AModelWithTheWrongInputChannelCountIsRefusedNamingIt()
    {
        var model = ModelInspector.Load(SmallModel);
        var dims = model.Graph.Input[0].Type.TensorType.Shape.Dim;
        dims[1].DimValue = 1;
        var weights = model.Graph.Initializer.Single(t => t.Name == "conv1.weight");
        weights.Dims[1] = 1;
        weights.RawData = ByteString.CopyFrom(weights.RawData.Span[..(weights.RawData.Length / 3)]);

        var error = Assert.Throws<ModelValidationException>(() => ClassifierSession.Create(model.ToByteArray(), new ClassifierSessionOptions(InferenceDevice.Cpu)));

        Assert.Contains("input: float[N,1,64,64]", error.Message);
        Assert.Contains("[N,3,H,W]", error.Message);
    }

    [Fact]
    public void AModelWithTheWrongInputRankIsRefusedNamingItsInput()
    {
        // A linear classifier over [N,3,64] sequences: a fine model, not an image classifier.
        var model = LinearModel("signal", [3, 64], classes: 4, weight: 0f);

        var error = Assert.Throws<ModelValidationException>(() => ClassifierSession.Create(model, new ClassifierSessionOptions(InferenceDevice.Cpu)));

        Assert.Contains("signal", error.Message);
        Assert.Contains("[N,3,H,W]", error.Message);
    }

    [Fact]
    public void AModelWhoseOutputsAreNaNIsRefusedBeforeScoringAnything()
    {
        var error = Assert.Throws<ModelValidationException>(() => ClassifierSession.Create(NaNModel(), new ClassifierSessionOptions(InferenceDevice.Cpu)));

        Assert.Contains("NaN or infinite", error.Message);
        Assert.Contains("'scores'", error.Message);
    }

    [Fact]
    public void AModelNeedingACustomOperatorLibraryIsRefused()
    {
        var model = ModelInspector.Load(SmallModel);
        model.Graph.Node[0].Domain = "com.example.custom";
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example.custom", Version = 1 });

        var error = Assert.Throws<ModelValidationException>(() => ClassifierSession.Create(model.ToByteArray(), new ClassifierSessionOptions(InferenceDevice.Cpu)));

        Assert.Contains("ONNX Runtime cannot load the model", error.Message);
        Assert.Contains("com.example.custom", error.Message);
    }

    [Fact]
    public void ExplicitCudaEitherRunsOnCudaOrFailsWithTheLoadersReason()
    {
        try
        {
            using var session = ClassifierSession.Create(SmallModel, new ClassifierSessionOptions(InferenceDevice.Parse("cuda:0")));
            Assert.Equal(ClassifierSession.CudaProvider, session.ExecutionProvider);
        }
        catch (DeviceUnavailableException e)
        {
            Assert.Contains("cuda:0", e.Message);
            Assert.Contains("CUDA 13", e.Message);
            Assert.NotNull(e.InnerException);
            Assert.Contains(e.InnerException!.Message.Trim().Split("with error: ").Last().Trim(), e.Message);
        }
    }

    [Fact]
    public void AutoSaysWhichProviderItChoseAndWhy()
    {
        using var session = ClassifierSession.Create(SmallModel, new ClassifierSessionOptions(InferenceDevice.Auto));

        if (session.ExecutionProvider == ClassifierSession.CpuProvider)
        {
            Assert.False(string.IsNullOrWhiteSpace(session.FallbackReason));
        }
        else
        {
            Assert.Equal(ClassifierSession.CudaProvider, session.ExecutionProvider);
            Assert.Null(session.FallbackReason);
        }
    }

    [Fact]
    public void TheCudaProbeSaysWhatCreatingACudaSessionFinds()
    {
        var reason = ClassifierSession.CudaUnavailableReason();
        using var auto = ClassifierSession.Create(SmallModel, new ClassifierSessionOptions(InferenceDevice.Auto));

        if (reason is null)
        {
            Assert.Equal(ClassifierSession.CudaProvider, auto.ExecutionProvider);
        }
        else
        {
            Assert.Equal($"CUDA execution provider unavailable: {reason}", auto.FallbackReason);
            var refused = Assert.Throws<DeviceUnavailableException>(() => ClassifierSession.Create(SmallModel, new ClassifierSessionOptions(InferenceDevice.Parse("cuda:0"))));
            Assert.Contains(reason, refused.Message);
        }
    }

    [Theory]
    [InlineData("auto", DeviceKind.Auto, 0)]
    [InlineData("CPU", DeviceKind.Cpu, 0)]
    [InlineData("cuda", DeviceKind.Cuda, 0)]
    [InlineData("cuda:3", DeviceKind.Cuda, 3)]
    public void DevicesParse(string text, DeviceKind kind, int index) =>
        Assert.Equal(new InferenceDevice(kind, index), InferenceDevice.Parse(text));

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    public void UnknownDevicesAreRefused(string text) =>
        Assert.Contains("auto, cpu, cuda or cuda:N", Assert.Throws<FormatException>(() => InferenceDevice.Parse(text)).Message);

    /// <summary>A classifier head whose weights are NaN: [N,3,8,8] → Flatten → Gemm → [N,4].</summary>
    private static ValueInfoProto Value(string name, params int[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    [Fact]
    public void AModelThatLoadsButFailsOnATestImageIsRefusedNotThrownRaw()
    {
        var graph = new GraphProto { Name = "bad-reshape" };
        graph.Input.Add(Value("pixels", 3, 8, 8));
        graph.Output.Add(Value("scores", 100));
        var shape = new TensorProto { Name = "shape", DataType = (int)TensorProto.Types.DataType.Int64, Int64Data = { -1, 100 } };
        shape.Dims.Add(2);
        graph.Initializer.Add(shape);
        graph.Node.Add(new NodeProto { OpType = "Reshape", Name = "reshape", Input = { "pixels", "shape" }, Output = { "scores" } });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });

        var error = Assert.Throws<ModelValidationException>(() => ClassifierSession.Create(model.ToByteArray(), new ClassifierSessionOptions(InferenceDevice.Cpu)));

        Assert.Contains("The model loads but fails on a test image", error.Message);
    }

    private static byte[] NaNModel() => LinearModel("pixels", [3, 8, 8], classes: 4, weight: float.NaN);

    /// <summary>Flatten, then one fully connected layer whose every weight is <paramref name="weight"/>: input [N,dims…], output 'scores' [N,classes].</summary>
    private static byte[] LinearModel(string input, int[] dims, int classes, float weight)
    {
        var graph = new GraphProto { Name = "linear" };
        graph.Input.Add(Value(input, dims));
        graph.Output.Add(Value("scores", classes));
        var features = dims.Aggregate(1, (product, d) => product * d);
        var weights = new float[classes * features];
        Array.Fill(weights, weight);
        var tensor = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan())) };
        tensor.Dims.AddRange([classes, features]);
        graph.Initializer.Add(tensor);
        graph.Node.Add(new NodeProto { OpType = "Flatten", Input = { input }, Output = { "flat" } });
        graph.Node.Add(new NodeProto { OpType = "Gemm", Input = { "flat", "w" }, Output = { "scores" }, Attribute = { new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 } } });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });
        return model.ToByteArray();
    }

    private static byte[] FeatureMapModel()
    {
        var graph = new GraphProto { Name = "features" };
        graph.Input.Add(Value("pixels", 3));
        graph.Output.Add(Value("features", 8));
        var weight = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(new byte[8 * 3 * 4]) };
        weight.Dims.AddRange([8, 3, 1, 1]);
        graph.Initializer.Add(weight);
        graph.Node.Add(new NodeProto { OpType = "Conv", Input = { "pixels", "w" }, Output = { "features" } });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });
        return model.ToByteArray();

        static ValueInfoProto Value(string name, int channels)
        {
            var shape = new TensorShapeProto();
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
            shape.Dim.AddRange(new[] { channels, 32, 32 }.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
        }
    }
}
