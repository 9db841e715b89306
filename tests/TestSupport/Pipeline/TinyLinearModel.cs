using Google.Protobuf;
using Onnx;

namespace SENet.Evaluation.Tests.Pipeline;

/// <summary>
/// A tiny classifier: [N,3,S,S] → Flatten → Gemm(W, b) → [N,C], with seeded small weights and a chosen bias, so that a
/// test can put the best logit where it wants (e.g. outside a class subset) while images still move the scores.
/// </summary>
public static class TinyLinearModel
{
    public static byte[] Build(int size, float[] bias, float weightScale = 1e-3f, int seed = 5)
    {
        var classes = bias.Length;
        var features = 3 * size * size;
        var random = new Random(seed);
        var weights = Enumerable.Range(0, classes * features).Select(_ => (float)(random.NextDouble() * 2 - 1) * weightScale).ToArray();
        var graph = new GraphProto { Name = "tiny-linear" };
        graph.Input.Add(Value("pixels", 3, size, size));
        graph.Output.Add(Value("logits", classes));
        graph.Initializer.Add(Tensor("w", weights, classes, features));
        graph.Initializer.Add(Tensor("b", bias, classes));
        graph.Node.Add(new NodeProto { OpType = "Flatten", Input = { "pixels" }, Output = { "flat" } });
        graph.Node.Add(new NodeProto { OpType = "Gemm", Input = { "flat", "w", "b" }, Output = { "logits" }, Attribute = { new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 } } });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });
        return model.ToByteArray();
    }

    private static TensorProto Tensor(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static ValueInfoProto Value(string name, params int[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }
}
