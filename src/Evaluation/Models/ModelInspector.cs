using Onnx;

namespace SENet.Evaluation.Models;

/// <summary>
/// Reads an ONNX graph's interface, counts its parameters as PyTorch does (batch-norm scale and shift counted,
/// running statistics not) and its multiply-accumulates by propagating shapes for one image.
/// </summary>
public static class ModelInspector
{
    private static readonly HashSet<string> ShapePreservingOps =
    [
        "BatchNormalization", "Relu", "Sigmoid", "Clip", "LeakyRelu", "HardSigmoid", "HardSwish", "Identity", "Dropout",
        "Softmax", "LogSoftmax", "Tanh", "Erf", "Exp", "Sqrt", "Neg", "Cast", "PRelu", "Elu", "Selu", "Mish",
    ];

    private static readonly HashSet<string> BroadcastOps = ["Add", "Mul", "Sub", "Div", "Pow", "Max", "Min", "Sum"];

    public static ModelDescription Inspect(byte[] onnx) => Inspect(Load(onnx));

    public static ModelProto Load(byte[] onnx)
    {
        try
        {
            var model = ModelProto.Parser.ParseFrom(onnx);
            if (model.Graph is null || model.Graph.Node.Count == 0)
            {
                throw new InvalidDataException("it parses as protobuf but holds no ONNX graph");
            }

            return model;
        }
        catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException or InvalidDataException)
        {
            throw new ModelValidationException($"The file is not an ONNX model ({e.Message}). Export the classifier to ONNX (e.g. torch.onnx.export) and pass the .onnx file.", e);
        }
    }

    public static ModelDescription Inspect(ModelProto model)
    {
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var inputs = graph.Input.Where(i => !initializers.ContainsKey(i.Name)).Select(Describe).ToList();
        var outputs = graph.Output.Select(Describe).ToList();

        var runningStatistics = graph.Node
            .Where(n => n.OpType == "BatchNormalization")
            .SelectMany(n => n.Input.Skip(3).Take(2))
            .ToHashSet();
        var parameters = graph.Initializer
            .Where(t => IsFloatingPoint(t.DataType) && !runningStatistics.Contains(t.Name))
            .Sum(t => t.Dims.Aggregate(1L, (a, b) => a * b));

        var outputProducer = graph.Node.LastOrDefault(n => outputs.Count > 0 && n.Output.Contains(outputs[0].Name));
        while (outputProducer is { OpType: "Identity" })
        {
            var source = outputProducer.Input[0];
            outputProducer = graph.Node.LastOrDefault(n => n.Output.Contains(source));
        }

        return new ModelDescription(
            inputs,
            outputs,
            parameters,
            CountMultiplyAccumulates(graph, initializers),
            model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max(),
            string.IsNullOrEmpty(model.ProducerVersion) ? model.ProducerName : $"{model.ProducerName} {model.ProducerVersion}",
            outputProducer?.OpType == "Softmax",
            model.MetadataProps.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value));
    }

    private static bool IsFloatingPoint(int dataType) =>
        (TensorProto.Types.DataType)dataType is TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Float16
            or TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Bfloat16;

    private static TensorDescription Describe(ValueInfoProto value)
    {
        var tensor = value.Type?.TensorType;
        var elementType = tensor is null ? "unknown" : ((TensorProto.Types.DataType)tensor.ElemType).ToString().ToLowerInvariant();
        var dims = tensor?.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue
            ? d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : string.IsNullOrEmpty(d.DimParam) ? "?" : d.DimParam).ToList() ?? [];
        return new TensorDescription(value.Name, elementType, dims);
    }

    private static long? CountMultiplyAccumulates(GraphProto graph, Dictionary<string, TensorProto> initializers)
    {
        var shapes = new Dictionary<string, long[]>();
        foreach (var (name, tensor) in initializers)
        {
            shapes[name] = [.. tensor.Dims];
        }

        foreach (var input in graph.Input.Where(i => !initializers.ContainsKey(i.Name)))
        {
            var dims = input.Type?.TensorType?.Shape?.Dim;
            if (dims is null)
            {
                return null;
            }

            // Symbolic dimensions are the batch: count for one image.
            shapes[input.Name] = dims.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : 1L).ToArray();
        }

        long macs = 0;
        foreach (var node in graph.Node)
        {
            if (node.Input.Count > 0 && node.Input[0].Length > 0 && !shapes.ContainsKey(node.Input[0]))
            {
                return null;
            }

            long[]? output = node.OpType switch
            {
                "Conv" => Convolution(node, shapes, ref macs),
                "MaxPool" or "AveragePool" => Pool(node, shapes[node.Input[0]]),
                "GlobalAveragePool" or "GlobalMaxPool" => [shapes[node.Input[0]][0], shapes[node.Input[0]][1], 1, 1],
                "Flatten" => Flatten(node, shapes[node.Input[0]]),
                "Gemm" => Gemm(node, shapes, ref macs),
                "MatMul" => MatMul(node, shapes, ref macs),
                _ when ShapePreservingOps.Contains(node.OpType) => shapes[node.Input[0]],
                _ when BroadcastOps.Contains(node.OpType) => Broadcast(node.Input.Select(i => shapes.GetValueOrDefault(i)).ToList()),
                _ => null,
            };
            if (output is null)
            {
                return null;
            }

            shapes[node.Output[0]] = output;
        }

        return macs;
    }

    private static long[] Convolution(NodeProto node, Dictionary<string, long[]> shapes, ref long macs)
    {
        var x = shapes[node.Input[0]];
        var w = shapes[node.Input[1]];
        var kernel = w.Skip(2).ToArray();
        var strides = Ints(node, "strides", kernel.Length, 1);
        var dilations = Ints(node, "dilations", kernel.Length, 1);
        var pads = Ints(node, "pads", kernel.Length * 2, 0);
        var output = new long[x.Length];
        output[0] = x[0];
        output[1] = w[0];
        var spatial = 1L;
        for (var i = 0; i < kernel.Length; i++)
        {
            var extent = x[i + 2] + pads[i] + pads[i + kernel.Length] - dilations[i] * (kernel[i] - 1) - 1;
            output[i + 2] = extent / strides[i] + 1;
            spatial *= output[i + 2];
        }

        macs += output[0] * output[1] * spatial * w.Skip(1).Aggregate(1L, (a, b) => a * b);
        return output;
    }

    private static long[] Pool(NodeProto node, long[] x)
    {
        var kernel = Ints(node, "kernel_shape", x.Length - 2, 1);
        var strides = Ints(node, "strides", kernel.Length, 1);
        var pads = Ints(node, "pads", kernel.Length * 2, 0);
        var ceil = Ints(node, "ceil_mode", 1, 0)[0] == 1;
        var output = (long[])x.Clone();
        for (var i = 0; i < kernel.Length; i++)
        {
            var extent = x[i + 2] + pads[i] + pads[i + kernel.Length] - kernel[i];
            output[i + 2] = (ceil ? (extent + strides[i] - 1) / strides[i] : extent / strides[i]) + 1;
        }

        return output;
    }

    private static long[] Flatten(NodeProto node, long[] x)
    {
        var axis = (int)Ints(node, "axis", 1, 1)[0];
        if (axis < 0)
        {
            axis += x.Length;
        }

        return [x.Take(axis).Aggregate(1L, (a, b) => a * b), x.Skip(axis).Aggregate(1L, (a, b) => a * b)];
    }

    private static long[]? Gemm(NodeProto node, Dictionary<string, long[]> shapes, ref long macs)
    {
        if (!shapes.TryGetValue(node.Input[1], out var b))
        {
            return null;
        }

        var a = shapes[node.Input[0]];
        var transA = Ints(node, "transA", 1, 0)[0] == 1;
        var transB = Ints(node, "transB", 1, 0)[0] == 1;
        var (m, k) = transA ? (a[1], a[0]) : (a[0], a[1]);
        var n = transB ? b[0] : b[1];
        macs += m * n * k;
        return [m, n];
    }

    private static long[]? MatMul(NodeProto node, Dictionary<string, long[]> shapes, ref long macs)
    {
        if (!shapes.TryGetValue(node.Input[1], out var b) || b.Length != 2)
        {
            return null;
        }

        var a = shapes[node.Input[0]];
        var rows = a.Take(a.Length - 1).Aggregate(1L, (x, y) => x * y);
        macs += rows * a[^1] * b[1];
        return [.. a.Take(a.Length - 1), b[1]];
    }

    private static long[]? Broadcast(List<long[]?> operands)
    {
        if (operands.Any(o => o is null))
        {
            return null;
        }

        var rank = operands.Max(o => o!.Length);
        var output = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            output[rank - 1 - i] = operands.Select(o => i < o!.Length ? o[o.Length - 1 - i] : 1).Max();
        }

        return output;
    }

    private static long[] Ints(NodeProto node, string name, int count, long fallback)
    {
        var attribute = node.Attribute.FirstOrDefault(a => a.Name == name);
        if (attribute is null)
        {
            return Enumerable.Repeat(fallback, count).ToArray();
        }

        return attribute.Type == AttributeProto.Types.AttributeType.Int ? [attribute.I] : [.. attribute.Ints];
    }
}
