using System.Globalization;
using Google.Protobuf;
using Onnx;

namespace SENet.Evaluation.Models;

/// <summary>
/// Builds SE-ResNet / SE-ResNeXt classifiers as ONNX graphs (opset 17) with seeded weights: the architecture of
/// Hu, Shen and Sun, "Squeeze-and-Excitation Networks", with the SE block on every residual branch.
/// Input <c>input</c> [N,3,H,W] float32, output <c>logits</c> [N,classes], dynamic batch.
/// </summary>
public static class SeResNetBuilder
{
    public const string InputName = "input";
    public const string OutputName = "logits";
    public const int Opset = 17;

    // A residual branch's last batch-norm scale: small enough that the sum over 16–50 blocks stays in range
    // while every branch still moves the output.
    private const double ResidualBranchGamma = 0.25;

    public static ModelProto Build(SeResNetSpec spec)
    {
        spec.Validate();
        var graph = new GraphProto { Name = spec.Architecture.Name };
        var writer = new OnnxGraphWriter(graph, new SeededRandom(spec.Seed), spec.Fp16);

        graph.Input.Add(TensorValue(InputName, "N", 3, spec.InputSize, spec.InputSize));

        var image = spec.Fp16 ? writer.Cast(InputName, "input_fp16", TensorProto.Types.DataType.Float16) : InputName;
        var x = writer.Conv(image, "conv1", 3, 64, kernel: 7, stride: 2, padding: 3);
        x = writer.BatchNorm(x, "bn1", 64);
        x = writer.Unary("Relu", x, "act1");
        x = spec.Layout == SeResNetLayout.Caffe
            ? writer.MaxPool(x, "maxpool", kernel: 3, stride: 2, padding: 0, ceilMode: true)
            : writer.MaxPool(x, "maxpool", kernel: 3, stride: 2, padding: 1, ceilMode: false);

        var inChannels = 64;
        var architecture = spec.Architecture;
        for (var stage = 0; stage < architecture.BlocksPerStage.Count; stage++)
        {
            var planes = 64 << stage;
            for (var block = 0; block < architecture.BlocksPerStage[stage]; block++)
            {
                var stride = stage > 0 && block == 0 ? 2 : 1;
                var prefix = $"layer{stage + 1}.{block}";
                x = architecture.Block == BlockKind.Basic
                    ? BasicBlock(writer, spec, x, prefix, inChannels, planes, stride)
                    : Bottleneck(writer, spec, x, prefix, inChannels, planes, stride);
                inChannels = planes * architecture.Expansion;
            }
        }

        x = writer.Unary("GlobalAveragePool", x, "global_pool");
        x = writer.Flatten(x, "flatten");
        var logits = writer.Gemm(x, "fc", inChannels, spec.Classes);
        if (spec.Fp16)
        {
            writer.Cast(logits, OutputName, TensorProto.Types.DataType.Float);
        }
        else
        {
            graph.Node.Add(new NodeProto { OpType = "Identity", Name = OutputName, Input = { logits }, Output = { OutputName } });
        }

        graph.Output.Add(TensorValue(OutputName, "N", spec.Classes));

        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "senet-eval",
            ProducerVersion = typeof(SeResNetBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            DocString = $"{architecture.Name} ({spec.Layout} layout, r={spec.ReductionRatio}{(spec.Fp16 ? ", float16" : "")}) with seeded, untrained weights.",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });

        var shape = ModelInspector.Inspect(model);
        AddMetadata(model, ModelMetadataKeys.Architecture, architecture.Name);
        AddMetadata(model, ModelMetadataKeys.Layout, spec.Layout.ToString().ToLowerInvariant());
        AddMetadata(model, ModelMetadataKeys.ReductionRatio, spec.ReductionRatio.ToString(CultureInfo.InvariantCulture));
        AddMetadata(model, ModelMetadataKeys.Classes, spec.Classes.ToString(CultureInfo.InvariantCulture));
        AddMetadata(model, ModelMetadataKeys.InputSize, spec.InputSize.ToString(CultureInfo.InvariantCulture));
        AddMetadata(model, ModelMetadataKeys.Seed, spec.Seed.ToString(CultureInfo.InvariantCulture));
        AddMetadata(model, ModelMetadataKeys.Precision, spec.Fp16 ? "float16" : "float32");
        AddMetadata(model, ModelMetadataKeys.Parameters, shape.Parameters.ToString(CultureInfo.InvariantCulture));
        AddMetadata(model, ModelMetadataKeys.MultiplyAccumulates, shape.MultiplyAccumulates?.ToString(CultureInfo.InvariantCulture) ?? "");
        AddMetadata(model, ModelMetadataKeys.Provenance, "built by SENet Eval's SeResNetBuilder: seeded weights, not trained");
        return model;
    }

    public static byte[] BuildBytes(SeResNetSpec spec) => Build(spec).ToByteArray();

    private static string BasicBlock(OnnxGraphWriter writer, SeResNetSpec spec, string input, string prefix, int inChannels, int planes, int stride)
    {
        var x = writer.Conv(input, $"{prefix}.conv1", inChannels, planes, kernel: 3, stride: stride, padding: 1);
        x = writer.BatchNorm(x, $"{prefix}.bn1", planes);
        x = writer.Unary("Relu", x, $"{prefix}.act1");
        x = writer.Conv(x, $"{prefix}.conv2", planes, planes, kernel: 3, stride: 1, padding: 1);
        x = writer.BatchNorm(x, $"{prefix}.bn2", planes, ResidualBranchGamma);
        return Merge(writer, spec, input, x, prefix, inChannels, planes, stride);
    }

    private static string Bottleneck(OnnxGraphWriter writer, SeResNetSpec spec, string input, string prefix, int inChannels, int planes, int stride)
    {
        var architecture = spec.Architecture;
        var width = planes * architecture.BaseWidth / 64 * architecture.Groups;
        var outChannels = planes * architecture.Expansion;
        // The released Caffe SE-ResNets downsample in the first 1×1; the SE-ResNeXt release (and every PyTorch
        // port) downsamples in the grouped 3×3.
        var strideInFirst = spec.Layout == SeResNetLayout.Caffe && architecture.Groups == 1;

        var x = writer.Conv(input, $"{prefix}.conv1", inChannels, width, kernel: 1, stride: strideInFirst ? stride : 1, padding: 0);
        x = writer.BatchNorm(x, $"{prefix}.bn1", width);
        x = writer.Unary("Relu", x, $"{prefix}.act1");
        x = writer.Conv(x, $"{prefix}.conv2", width, width, kernel: 3, stride: strideInFirst ? 1 : stride, padding: 1, groups: architecture.Groups);
        x = writer.BatchNorm(x, $"{prefix}.bn2", width);
        x = writer.Unary("Relu", x, $"{prefix}.act2");
        x = writer.Conv(x, $"{prefix}.conv3", width, outChannels, kernel: 1, stride: 1, padding: 0);
        x = writer.BatchNorm(x, $"{prefix}.bn3", outChannels, ResidualBranchGamma);
        return Merge(writer, spec, input, x, prefix, inChannels, outChannels, stride);
    }

    /// <summary>SE-scales the residual branch, adds the (projected) shortcut and applies the block's ReLU.</summary>
    private static string Merge(OnnxGraphWriter writer, SeResNetSpec spec, string input, string branch, string prefix, int inChannels, int outChannels, int stride)
    {
        if (spec.ReductionRatio > 0)
        {
            branch = SqueezeExcitation(writer, branch, $"{prefix}.se", outChannels, spec.ReductionRatio);
        }

        var shortcut = input;
        if (stride != 1 || inChannels != outChannels)
        {
            shortcut = writer.Conv(input, $"{prefix}.downsample.0", inChannels, outChannels, kernel: 1, stride: stride, padding: 0);
            shortcut = writer.BatchNorm(shortcut, $"{prefix}.downsample.1", outChannels);
        }

        var sum = writer.Binary("Add", branch, shortcut, $"{prefix}.add");
        return writer.Unary("Relu", sum, $"{prefix}.out");
    }

    /// <summary>
    /// Global average pool → FC(C→C/r) → ReLU → FC(C/r→C) → sigmoid → channel-wise scale. The two FC layers are
    /// 1×1 convolutions on the pooled [N,C,1,1] tensor, as in timm: the same arithmetic with no reshapes.
    /// </summary>
    private static string SqueezeExcitation(OnnxGraphWriter writer, string input, string prefix, int channels, int reductionRatio)
    {
        var reduced = Math.Max(1, channels / reductionRatio);
        var squeeze = writer.Unary("GlobalAveragePool", input, $"{prefix}.pool");
        var x = writer.Conv(squeeze, $"{prefix}.fc1", channels, reduced, kernel: 1, stride: 1, padding: 0, bias: true);
        x = writer.Unary("Relu", x, $"{prefix}.act");
        x = writer.Conv(x, $"{prefix}.fc2", reduced, channels, kernel: 1, stride: 1, padding: 0, bias: true);
        var gate = writer.Unary("Sigmoid", x, $"{prefix}.gate");
        return writer.Binary("Mul", input, gate, $"{prefix}.scale");
    }

    private static ValueInfoProto TensorValue(string name, string batchDimension, params int[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batchDimension });
        foreach (var dim in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static void AddMetadata(ModelProto model, string key, string value) =>
        model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
}
