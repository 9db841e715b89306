using Onnx;

namespace SENet.Evaluation.Models;

/// <summary>
/// Reads an ONNX graph's interface, counts its parameters as PyTorch does (batch-norm scale and shift counted,
/// running statistics not) and its multiply-accumulates by propagating shapes for one image. A graph is a submitter's
/// file: every attribute, dimension and name is checked before it is used, and a malformed one is a
/// <see cref="ModelValidationException"/> naming the node or initializer, never an index, division or key fault.
/// </summary>
public static class ModelInspector
{
    private static readonly HashSet<string> ShapePreservingOps =
    [
        "BatchNormalization", "Relu", "Sigmoid", "Clip", "LeakyRelu", "HardSigmoid", "HardSwish", "Identity", "Dropout",
        "Softmax", "LogSoftmax", "Tanh", "Erf", "Exp", "Sqrt", "Neg", "Cast", "PRelu", "Elu", "Selu", "Mish",
    ];

    private static readonly HashSet<string> BroadcastOps = ["Add", "Mul", "Sub", "Div", "Pow", "Max", "Min", "Sum"];

    private static readonly HashSet<string> AutoPadValues = ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"];

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
        // Google.Protobuf 3.30 can also throw IndexOutOfRangeException (and others) on malformed bytes
        // (protocolbuffers/protobuf#26856, found by fuzzing): any parse failure is a refusal of the file.
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            throw new ModelValidationException($"The file is not an ONNX model ({e.Message}). Export the classifier to ONNX (e.g. torch.onnx.export) and pass the .onnx file.", e);
        }
    }

    public static ModelDescription Inspect(ModelProto model)
    {
        var graph = model.Graph ?? throw new ModelValidationException("The file is not an ONNX model (it holds no graph). Export the classifier to ONNX and pass the .onnx file.");
        var initializers = Initializers(graph);
        var inputs = graph.Input.Where(i => !initializers.ContainsKey(i.Name)).Select(Describe).ToList();
        var outputs = graph.Output.Select(Describe).ToList();

        var runningStatistics = graph.Node
            .Where(n => n.OpType == "BatchNormalization")
            .SelectMany(n => n.Input.Skip(3).Take(2))
            .ToHashSet();
        var parameters = 0L;
        foreach (var tensor in graph.Initializer.Where(t => IsFloatingPoint(t.DataType) && !runningStatistics.Contains(t.Name)))
        {
            var elements = ElementCount(tensor);
            parameters = long.MaxValue - parameters >= elements
                ? parameters + elements
                : throw new ModelValidationException($"The model is malformed: its initializers, up to '{tensor.Name}', declare more than {long.MaxValue} parameters. Re-export the model.");
        }

        return new ModelDescription(
            inputs,
            outputs,
            parameters,
            CountMultiplyAccumulates(graph, initializers),
            model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max(),
            string.IsNullOrEmpty(model.ProducerVersion) ? model.ProducerName : $"{model.ProducerName} {model.ProducerVersion}",
            OutputProducer(graph, outputs)?.OpType == "Softmax",
            model.MetadataProps.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value));
    }

    private static Dictionary<string, TensorProto> Initializers(GraphProto graph)
    {
        var initializers = new Dictionary<string, TensorProto>();
        foreach (var tensor in graph.Initializer)
        {
            if (!initializers.TryAdd(tensor.Name, tensor))
            {
                throw new ModelValidationException(
                    $"The model is malformed: initializer '{tensor.Name}' is defined twice, so which weights a node reads is ambiguous. Re-export the model.");
            }

            if (tensor.Dims.Any(d => d < 0))
            {
                throw new ModelValidationException(
                    $"The model is malformed: initializer '{tensor.Name}' has a negative dimension [{string.Join(",", tensor.Dims)}]. Re-export the model.");
            }
        }

        return initializers;
    }

    private static long ElementCount(TensorProto tensor)
    {
        try
        {
            return tensor.Dims.Aggregate(1L, (a, b) => checked(a * b));
        }
        catch (OverflowException)
        {
            throw new ModelValidationException(
                $"The model is malformed: initializer '{tensor.Name}' declares dimensions [{string.Join(",", tensor.Dims)}] whose element count overflows a 64-bit integer. Re-export the model.");
        }
    }

    /// <summary>The node that computes the first output, looking through Identity, Cast, Reshape, Flatten and Squeeze nodes (a chain that loops ends the search).</summary>
    private static NodeProto? OutputProducer(GraphProto graph, List<TensorDescription> outputs)
    {
        if (outputs.Count == 0)
        {
            return null;
        }

        var producer = graph.Node.LastOrDefault(n => n.Output.Contains(outputs[0].Name));
        // Ops that change only type or shape stand between a Softmax and the output in many exports (float16: Softmax → Cast).
        for (var steps = 0; producer is { OpType: "Identity" or "Cast" or "Reshape" or "Flatten" or "Squeeze", Input.Count: > 0 } && steps < graph.Node.Count; steps++)
        {
            var source = producer.Input[0];
            producer = graph.Node.LastOrDefault(n => n.Output.Contains(source));
        }

        return producer;
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

    /// <summary>
    /// Propagates shapes node by node. Every node's attributes are validated even where its input shape is unknown;
    /// the count is null when a shape on the way is unknown (an operator not modelled here, a symbolic image size)
    /// or too large for a 64-bit count.
    /// </summary>
    private static long? CountMultiplyAccumulates(GraphProto graph, Dictionary<string, TensorProto> initializers)
    {
        var shapes = new Dictionary<string, long[]>();
        foreach (var (name, tensor) in initializers)
        {
            shapes[name] = [.. tensor.Dims];
        }

        var complete = true;
        foreach (var input in graph.Input.Where(i => !initializers.ContainsKey(i.Name)))
        {
            var dims = input.Type?.TensorType?.Shape?.Dim;
            if (dims is null)
            {
                complete = false;
                continue;
            }

            if (dims.Any(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue < 0))
            {
                throw new ModelValidationException(
                    $"The model is malformed: input '{input.Name}' has a negative dimension {Describe(input)}. Re-export the model.");
            }

            // A symbolic batch is counted as one image; any other symbolic dimension leaves the count unknown.
            var known = dims.Skip(1).All(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue);
            if (known)
            {
                shapes[input.Name] = dims.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : 1L).ToArray();
            }
            else
            {
                complete = false;
            }
        }

        long macs = 0;
        for (var index = 0; index < graph.Node.Count; index++)
        {
            var node = graph.Node[index];
            long[]? output;
            try
            {
                output = Propagate(node, index, shapes, ref macs);
            }
            catch (OverflowException)
            {
                output = null;
            }

            if (output is null)
            {
                complete = false;
                continue;
            }

            if (node.Output.Count == 0 || node.Output[0].Length == 0)
            {
                throw Malformed(node, index, "has no output");
            }

            shapes[node.Output[0]] = output;
        }

        return complete ? macs : null;
    }

    /// <summary>Validates the node; returns its output shape, or null when it is not known.</summary>
    private static long[]? Propagate(NodeProto node, int index, Dictionary<string, long[]> shapes, ref long macs)
    {
        long[]? Input(int i) => i < node.Input.Count ? shapes.GetValueOrDefault(node.Input[i]) : null;
        var modelled = node.OpType is "Conv" or "MaxPool" or "AveragePool" or "GlobalAveragePool" or "GlobalMaxPool" or "Flatten" or "Gemm" or "MatMul"
            || ShapePreservingOps.Contains(node.OpType) || BroadcastOps.Contains(node.OpType);
        if (!modelled || node.Domain is not ("" or "ai.onnx"))
        {
            return null;
        }

        var required = node.OpType is "Conv" or "Gemm" or "MatMul" ? 2 : 1;
        if (node.Input.Count < required || node.Input.Take(required).Any(string.IsNullOrEmpty))
        {
            throw Malformed(node, index, $"has {node.Input.Count(i => i.Length > 0)} input(s) but needs at least {required}");
        }

        return node.OpType switch
        {
            "Conv" => Convolution(node, index, Input(0), Input(1), ref macs),
            "MaxPool" or "AveragePool" => Pool(node, index, Input(0)),
            "GlobalAveragePool" or "GlobalMaxPool" => GlobalPool(node, index, Input(0)),
            "Flatten" => Flatten(node, index, Input(0)),
            "Gemm" => Gemm(node, index, Input(0), Input(1), ref macs),
            "MatMul" => MatMul(node, index, Input(0), Input(1), ref macs),
            _ when ShapePreservingOps.Contains(node.OpType) => Input(0),
            _ => Broadcast(node, index, node.Input.Where(i => i.Length > 0).Select(i => shapes.GetValueOrDefault(i)).ToList()),
        };
    }

    private static long[]? Convolution(NodeProto node, int index, long[]? x, long[]? w, ref long macs)
    {
        var kernelShape = Ints(node, index, "kernel_shape");
        if (w is not null && w.Length < 3)
        {
            throw Malformed(node, index, $"has a weight '{node.Input[1]}' of rank {w.Length}; a convolution weight is [out channels, in channels / group, kernel…]");
        }

        var rank = w?.Length - 2 ?? kernelShape?.Length ?? x?.Length - 2;
        var group = Int(node, index, "group", 1);
        if (group < 1)
        {
            throw Malformed(node, index, $"has group {group}; it must be at least 1");
        }

        if (rank is not { } spatialRank)
        {
            ValidateWindow(node, index, null);
            return null;
        }

        if (spatialRank < 1)
        {
            throw Malformed(node, index, "has no spatial dimension to convolve");
        }

        if (kernelShape is not null)
        {
            if (kernelShape.Length != spatialRank || kernelShape.Any(k => k < 1))
            {
                throw Malformed(node, index, $"has kernel_shape [{string.Join(",", kernelShape)}]; it needs {spatialRank} values of at least 1");
            }

            if (w is not null && !kernelShape.SequenceEqual(w[2..]))
            {
                throw Malformed(node, index, $"has kernel_shape [{string.Join(",", kernelShape)}] but its weight '{node.Input[1]}' is [{string.Join(",", w)}]");
            }
        }

        var (strides, dilations, pads, autoPad) = ValidateWindow(node, index, spatialRank);
        if (w is null || x is null)
        {
            return null;
        }

        if (w.Any(d => d < 1))
        {
            throw Malformed(node, index, $"has a weight '{node.Input[1]}' with an empty dimension [{string.Join(",", w)}]");
        }

        if (w[0] % group != 0)
        {
            throw Malformed(node, index, $"has {w[0]} output channels, not a multiple of its group {group}");
        }

        if (x.Length != w.Length || x[1] != checked(w[1] * group))
        {
            throw Malformed(node, index, $"takes an input [{string.Join(",", x)}] that its weight '{node.Input[1]}' [{string.Join(",", w)}] with group {group} does not fit");
        }

        var output = new long[x.Length];
        output[0] = x[0];
        output[1] = w[0];
        var spatial = 1L;
        for (var i = 0; i < spatialRank; i++)
        {
            output[i + 2] = WindowOutput(node, index, x[i + 2], w[i + 2], strides[i], dilations[i], pads[i] + pads[i + spatialRank], autoPad, ceil: false);
            spatial = checked(spatial * output[i + 2]);
        }

        macs = checked(macs + output[0] * output[1] * spatial * w.Skip(1).Aggregate(1L, (a, b) => checked(a * b)));
        return output;
    }

    private static long[]? Pool(NodeProto node, int index, long[]? x)
    {
        var kernel = Ints(node, index, "kernel_shape")
            ?? throw Malformed(node, index, "has no kernel_shape; pooling needs one");
        if (kernel.Length < 1 || kernel.Any(k => k < 1))
        {
            throw Malformed(node, index, $"has kernel_shape [{string.Join(",", kernel)}]; it needs one value of at least 1 per spatial dimension");
        }

        var ceilMode = Int(node, index, "ceil_mode", 0);
        if (ceilMode is not (0 or 1))
        {
            throw Malformed(node, index, $"has ceil_mode {ceilMode}; it must be 0 or 1");
        }

        var (strides, dilations, pads, autoPad) = ValidateWindow(node, index, kernel.Length);
        if (x is null)
        {
            return null;
        }

        if (x.Length != kernel.Length + 2)
        {
            throw Malformed(node, index, $"has a {kernel.Length}-D kernel_shape for an input [{string.Join(",", x)}]");
        }

        var output = (long[])x.Clone();
        for (var i = 0; i < kernel.Length; i++)
        {
            output[i + 2] = WindowOutput(node, index, x[i + 2], kernel[i], strides[i], dilations[i], pads[i] + pads[i + kernel.Length], autoPad, ceilMode == 1);
        }

        return output;
    }

    /// <summary>Validates strides, dilations, pads and auto_pad of a sliding window with <paramref name="rank"/> spatial dimensions (null: unknown, values only).</summary>
    private static (long[] Strides, long[] Dilations, long[] Pads, string AutoPad) ValidateWindow(NodeProto node, int index, int? rank)
    {
        var count = rank ?? 0;
        var strides = Ints(node, index, "strides");
        var dilations = Ints(node, index, "dilations");
        var pads = Ints(node, index, "pads");
        var autoPadAttribute = node.Attribute.FirstOrDefault(a => a.Name == "auto_pad");
        var autoPad = autoPadAttribute is null ? "NOTSET" : autoPadAttribute.S.ToStringUtf8();
        if (!AutoPadValues.Contains(autoPad))
        {
            throw Malformed(node, index, $"has auto_pad '{Truncate(autoPad)}'; it must be NOTSET, SAME_UPPER, SAME_LOWER or VALID");
        }

        Check("strides", strides, count, 1);
        Check("dilations", dilations, count, 1);
        Check("pads", pads, count * 2, 0);
        return (strides ?? Ones(count), dilations ?? Ones(count), pads ?? new long[count * 2], autoPad);

        void Check(string name, long[]? values, int expected, long least)
        {
            if (values is null)
            {
                return;
            }

            if (values.Any(v => v < least))
            {
                throw Malformed(node, index, $"has {name} [{string.Join(",", values.Take(8))}]; each must be at least {least}");
            }

            if (rank is not null && values.Length != expected)
            {
                throw Malformed(node, index, $"has {values.Length} {name} value(s) for {rank} spatial dimension(s); it needs {expected}");
            }
        }

        static long[] Ones(int n) => Enumerable.Repeat(1L, n).ToArray();
    }

    private static long WindowOutput(NodeProto node, int index, long size, long kernel, long stride, long dilation, long padding, string autoPad, bool ceil)
    {
        if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            return checked(size + stride - 1) / stride;
        }

        var effectiveKernel = checked(dilation * (kernel - 1) + 1);
        var extent = checked(size + (autoPad == "VALID" ? 0 : padding) - effectiveKernel);
        if (extent < 0)
        {
            throw Malformed(node, index, $"has a window of {effectiveKernel} larger than its padded input of {checked(size + padding)}");
        }

        return (ceil ? checked(extent + stride - 1) / stride : extent / stride) + 1;
    }

    private static long[]? GlobalPool(NodeProto node, int index, long[]? x)
    {
        if (x is null)
        {
            return null;
        }

        if (x.Length < 3)
        {
            throw Malformed(node, index, $"pools an input [{string.Join(",", x)}] that has no spatial dimension");
        }

        return [x[0], x[1], .. Enumerable.Repeat(1L, x.Length - 2)];
    }

    private static long[]? Flatten(NodeProto node, int index, long[]? x)
    {
        var axis = Int(node, index, "axis", 1);
        if (x is null)
        {
            return null;
        }

        if (axis < -x.Length || axis > x.Length)
        {
            throw Malformed(node, index, $"has axis {axis} for an input of rank {x.Length}");
        }

        var split = (int)(axis < 0 ? axis + x.Length : axis);
        return [x.Take(split).Aggregate(1L, (a, b) => checked(a * b)), x.Skip(split).Aggregate(1L, (a, b) => checked(a * b))];
    }

    private static long[]? Gemm(NodeProto node, int index, long[]? a, long[]? b, ref long macs)
    {
        var transA = Int(node, index, "transA", 0);
        var transB = Int(node, index, "transB", 0);
        if (transA is not (0 or 1) || transB is not (0 or 1))
        {
            throw Malformed(node, index, $"has transA {transA} and transB {transB}; each must be 0 or 1");
        }

        if (a is { Length: not 2 } || b is { Length: not 2 })
        {
            throw Malformed(node, index, $"multiplies {Rank(a)} by {Rank(b)}; Gemm needs two 2-D operands (add a Flatten first)");
        }

        if (a is null || b is null)
        {
            return null;
        }

        var (m, k) = transA == 1 ? (a[1], a[0]) : (a[0], a[1]);
        var (kB, n) = transB == 1 ? (b[1], b[0]) : (b[0], b[1]);
        if (k != kB)
        {
            throw Malformed(node, index, $"multiplies [{m},{k}] by [{kB},{n}]: the inner dimensions differ");
        }

        macs = checked(macs + m * n * k);
        return [m, n];

        static string Rank(long[]? shape) => shape is null ? "an unknown shape" : $"[{string.Join(",", shape)}]";
    }

    private static long[]? MatMul(NodeProto node, int index, long[]? a, long[]? b, ref long macs)
    {
        if (a is null || b is not { Length: 2 } || a.Length < 2)
        {
            return null;
        }

        if (a[^1] != b[0])
        {
            throw Malformed(node, index, $"multiplies [{string.Join(",", a)}] by [{string.Join(",", b)}]: the inner dimensions differ");
        }

        var rows = a.Take(a.Length - 1).Aggregate(1L, (x, y) => checked(x * y));
        macs = checked(macs + rows * a[^1] * b[1]);
        return [.. a.Take(a.Length - 1), b[1]];
    }

    private static long[]? Broadcast(NodeProto node, int index, List<long[]?> operands)
    {
        if (operands.Count == 0 || operands.Any(o => o is null))
        {
            return null;
        }

        var rank = operands.Max(o => o!.Length);
        var output = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            var size = 1L;
            foreach (var operand in operands)
            {
                var dim = i < operand!.Length ? operand[operand.Length - 1 - i] : 1;
                if (dim != 1 && size != 1 && dim != size)
                {
                    throw Malformed(node, index, $"combines shapes {string.Join(" and ", operands.Select(o => $"[{string.Join(",", o!)}]"))} that do not broadcast");
                }

                size = dim == 1 ? size : dim;
            }

            output[rank - 1 - i] = size;
        }

        return output;
    }

    /// <summary>An integer-list attribute (an INT one reads as a list of one); null when absent.</summary>
    private static long[]? Ints(NodeProto node, int index, string name)
    {
        var attribute = node.Attribute.FirstOrDefault(a => a.Name == name);
        return attribute switch
        {
            null => null,
            { Type: AttributeProto.Types.AttributeType.Ints } => [.. attribute.Ints],
            { Type: AttributeProto.Types.AttributeType.Int } => [attribute.I],
            { Type: AttributeProto.Types.AttributeType.Undefined } => attribute.Ints.Count > 0 ? [.. attribute.Ints] : [attribute.I],
            _ => throw Malformed(node, index, $"has attribute '{name}' of type {attribute.Type}; it must be integers"),
        };
    }

    private static long Int(NodeProto node, int index, string name, long fallback) => Ints(node, index, name) switch
    {
        null => fallback,
        [var single] => single,
        var many => throw Malformed(node, index, $"has {many.Length} values for attribute '{name}'; it takes one integer"),
    };

    private static ModelValidationException Malformed(NodeProto node, int index, string problem)
    {
        var name = string.IsNullOrEmpty(node.Name) ? $"#{index}" : $"'{Truncate(node.Name)}'";
        return new ModelValidationException($"The model is malformed: node {name} ({Truncate(node.OpType)}) {problem}. Re-export the model, or fix the node.");
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
