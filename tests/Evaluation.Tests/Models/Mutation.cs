using Onnx;

namespace SENet.Evaluation.Tests.Models;

/// <summary>One random change to an ONNX graph, for the inspector's property test; printed by CsCheck when a sample fails.</summary>
internal sealed record Mutation(int Kind, int Target, int Choice, long[] Values)
{
    private static readonly string[] AttributeNames = ["strides", "pads", "dilations", "kernel_shape", "group", "axis", "transA", "transB", "ceil_mode", "auto_pad"];
    private static readonly string[] OpTypes = ["Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "Gemm", "MatMul", "Relu", "Add", "Mul", "Identity"];

    public void ApplyTo(ModelProto model)
    {
        var graph = model.Graph;
        var node = graph.Node[Target % graph.Node.Count];
        var initializer = graph.Initializer[Target % graph.Initializer.Count];
        var name = AttributeNames[Choice % AttributeNames.Length];
        switch (Kind)
        {
            case 0 or 1 or 2:
                RemoveAttribute(node, name);
                node.Attribute.Add(Attribute(name));
                break;
            case 3:
                RemoveAttribute(node, name);
                break;
            case 4 when node.Input.Count > 0:
                node.Input.RemoveAt(Choice % node.Input.Count);
                break;
            case 5 when initializer.Dims.Count > 0:
                initializer.Dims[Choice % initializer.Dims.Count] = Values.FirstOrDefault();
                break;
            case 6:
                initializer.Dims.Clear();
                initializer.Dims.Add(Values);
                break;
            case 7:
                graph.Initializer.Add(initializer.Clone());
                break;
            case 8:
                var dims = graph.Input[0].Type.TensorType.Shape.Dim;
                dims[Choice % dims.Count].DimValue = Values.FirstOrDefault();
                break;
            case 9:
                node.OpType = OpTypes[Choice % OpTypes.Length];
                break;
        }
    }

    private static void RemoveAttribute(NodeProto node, string name)
    {
        if (node.Attribute.FirstOrDefault(a => a.Name == name) is { } existing)
        {
            node.Attribute.Remove(existing);
        }
    }

    private AttributeProto Attribute(string name) => ((Choice + Kind) % 5) switch
    {
        0 => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = Values.FirstOrDefault() },
        1 => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = Values.FirstOrDefault() },
        2 => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8(string.Join(",", Values)) },
        3 => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Undefined, Ints = { Values } },
        _ => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { Values } },
    };

    public override string ToString() => $"{Kind}/{Target}/{Choice}/[{string.Join(",", Values)}]";
}
