using Google.Protobuf;
using Onnx;

namespace SENet.Evaluation.Models;

/// <summary>Appends nodes and seeded initializers to an ONNX graph, naming tensors after PyTorch's state-dict keys.</summary>
internal sealed class OnnxGraphWriter(GraphProto graph, SeededRandom random, bool fp16 = false)
{
    public GraphProto Graph { get; } = graph;

    public string Conv(string input, string name, int inChannels, int outChannels, int kernel, int stride, int padding, int groups = 1, bool bias = false)
    {
        var fanIn = inChannels / groups * kernel * kernel;
        var fanOut = outChannels / groups * kernel * kernel;
        // He (Kaiming) normal with fan_out, as torchvision initialises ResNet convolutions.
        var std = Math.Sqrt(2.0 / fanOut);
        var weight = AddInitializer($"{name}.weight", [outChannels, inChannels / groups, kernel, kernel], _ => random.NextNormal() * std);
        var inputs = new List<string> { input, weight };
        if (bias)
        {
            var bound = 1.0 / Math.Sqrt(fanIn);
            inputs.Add(AddInitializer($"{name}.bias", [outChannels], _ => (random.NextDouble() * 2 - 1) * bound));
        }

        return AddNode("Conv", name, inputs,
            Ints("kernel_shape", kernel, kernel),
            Ints("strides", stride, stride),
            Ints("pads", padding, padding, padding, padding),
            Int("group", groups));
    }

    /// <summary>
    /// Batch normalisation with non-trivial seeded statistics, so that a graph which mishandles any of the four
    /// tensors gives different numbers. <paramref name="gammaScale"/> damps residual branches so activations stay finite.
    /// </summary>
    public string BatchNorm(string input, string name, int channels, double gammaScale = 1.0)
    {
        var scale = AddInitializer($"{name}.weight", [channels], _ => gammaScale * (1.0 + 0.1 * random.NextNormal()));
        var shift = AddInitializer($"{name}.bias", [channels], _ => 0.05 * random.NextNormal());
        var mean = AddInitializer($"{name}.running_mean", [channels], _ => 0.05 * random.NextNormal());
        var variance = AddInitializer($"{name}.running_var", [channels], _ => 0.75 + 0.5 * random.NextDouble());
        var node = AddNode("BatchNormalization", name, [input, scale, shift, mean, variance]);
        Graph.Node[^1].Attribute.Add(new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = 1e-5f });
        return node;
    }

    public string Gemm(string input, string name, int inFeatures, int outFeatures)
    {
        var std = 0.01 * Math.Sqrt(2048.0 / inFeatures);
        var weight = AddInitializer($"{name}.weight", [outFeatures, inFeatures], _ => random.NextNormal() * std);
        var bias = AddInitializer($"{name}.bias", [outFeatures], _ => 0.0);
        return AddNode("Gemm", name, [input, weight, bias], Int("transB", 1));
    }

    public string MaxPool(string input, string name, int kernel, int stride, int padding, bool ceilMode) =>
        AddNode("MaxPool", name, [input],
            Ints("kernel_shape", kernel, kernel),
            Ints("strides", stride, stride),
            Ints("pads", padding, padding, padding, padding),
            Int("ceil_mode", ceilMode ? 1 : 0));

    public string Unary(string opType, string input, string name) => AddNode(opType, name, [input]);

    public string Binary(string opType, string left, string right, string name) => AddNode(opType, name, [left, right]);

    public string Flatten(string input, string name) => AddNode("Flatten", name, [input], Int("axis", 1));

    public string Cast(string input, string name, TensorProto.Types.DataType to) => AddNode("Cast", name, [input], Int("to", (int)to));

    /// <summary>Adds a node whose single output tensor is named after the node.</summary>
    public string AddNode(string opType, string name, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return name;
    }

    private string AddInitializer(string name, long[] dims, Func<int, double> value)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian.");
        }

        var count = (int)dims.Aggregate(1L, (a, b) => a * b);
        byte[] bytes;
        if (fp16)
        {
            // The same random stream as float32, rounded: an fp16 model differs from its fp32 twin by precision only.
            bytes = new byte[count * 2];
            var halves = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(bytes.AsSpan());
            for (var i = 0; i < count; i++)
            {
                halves[i] = (Half)(float)value(i);
            }
        }
        else
        {
            bytes = new byte[count * sizeof(float)];
            var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
            for (var i = 0; i < count; i++)
            {
                floats[i] = (float)value(i);
            }
        }

        var dataType = fp16 ? TensorProto.Types.DataType.Float16 : TensorProto.Types.DataType.Float;
        var tensor = new TensorProto { Name = name, DataType = (int)dataType, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        return name;
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
}
