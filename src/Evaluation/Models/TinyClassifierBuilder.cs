using Google.Protobuf;
using Onnx;

namespace SENet.Evaluation.Models;

/// <summary>
/// A tiny seeded classifier, [N,3,S,S] → Flatten → Gemm → [N,C]: a model whose inference costs next to nothing,
/// so that a pass over JPEGs is decode-bound (what <c>senet bench --models</c> measures).
/// </summary>
public static class TinyClassifierBuilder
{
    public static byte[] BuildBytes(int inputSize, int classes, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        var features = 3 * inputSize * inputSize;
        var random = new Random(seed);
        var weights = new float[classes * features];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(random.NextDouble() * 2 - 1) * 1e-2f;
        }

        var graph = new GraphProto { Name = $"tiny-{inputSize}-{classes}-{seed}" };
        graph.Input.Add(Value("pixels", 3, inputSize, inputSize));
        graph.Output.Add(Value("logits", classes));
        graph.Initializer.Add(Tensor("w", weights, classes, features));
        graph.Initializer.Add(Tensor("b", new float[classes], classes));
        graph.Node.Add(new NodeProto { OpType = "Flatten", Input = { "pixels" }, Output = { "flat" } });
        graph.Node.Add(new NodeProto
        {
            OpType = "Gemm",
            Input = { "flat", "w", "b" },
            Output = { "logits" },
            Attribute = { new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 } },
        });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });
        return model.ToByteArray();
    }

    private static TensorProto Tensor(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto
        {
            Name = name,
            DataType = (int)TensorProto.Types.DataType.Float,
            RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())),
        };
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
