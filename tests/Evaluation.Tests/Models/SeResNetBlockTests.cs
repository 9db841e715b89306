using Microsoft.ML.OnnxRuntime;
using Onnx;
using SENet.Evaluation.Models;

namespace SENet.Evaluation.Tests.Models;

public sealed class SeResNetBlockTests
{
    [Fact]
    public void CaffeLayoutDownsamplingBlockOnOnnxRuntimeEqualsIndependentComputation()
    {
        // layer2.0 is the first block that downsamples: in the caffe layout the stride sits on conv1 and on the projection.
        var model = SeResNetBuilder.Build(new SeResNetSpec(SeResNetArchitecture.SeResNet50, SeResNetLayout.Caffe));
        const string blockInput = "layer1.2.out";
        const string blockOutput = "layer2.0.out";
        foreach (var name in new[] { blockInput, blockOutput })
        {
            model.Graph.Output.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        }

        var image = new float[3 * 224 * 224];
        var random = new Random(11);
        for (var i = 0; i < image.Length; i++)
        {
            image[i] = (float)(random.NextDouble() * 4 - 2);
        }

        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model));
        using var input = OrtValue.CreateTensorValueFromMemory(image, [1, 3, 224, 224]);
        using var results = session.Run(new RunOptions(), ["input"], [input], [blockInput, blockOutput]);
        var x = results[0].GetTensorDataAsSpan<float>().ToArray();
        var onnxOutput = results[1].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal([1L, 256, 56, 56], results[0].GetTensorTypeAndShape().Shape);
        Assert.Equal([1L, 512, 28, 28], results[1].GetTensorTypeAndShape().Shape);

        var ops = new ReferenceOps(model);
        var (branch, channels, height, width) = ops.Conv(x, 256, 56, 56, "layer2.0.conv1", stride: 2, padding: 0);
        Assert.Equal(28, height);
        branch = ReferenceOps.Relu(ops.BatchNorm(branch, channels, "layer2.0.bn1"));
        (branch, channels, height, width) = ops.Conv(branch, channels, height, width, "layer2.0.conv2", stride: 1, padding: 1);
        branch = ReferenceOps.Relu(ops.BatchNorm(branch, channels, "layer2.0.bn2"));
        (branch, channels, height, width) = ops.Conv(branch, channels, height, width, "layer2.0.conv3", stride: 1, padding: 0);
        branch = ops.BatchNorm(branch, channels, "layer2.0.bn3");
        branch = ops.SqueezeExcite(branch, channels, "layer2.0.se");
        var (shortcut, _, _, _) = ops.Conv(x, 256, 56, 56, "layer2.0.downsample.0", stride: 2, padding: 0);
        shortcut = ops.BatchNorm(shortcut, channels, "layer2.0.downsample.1");
        var expected = ReferenceOps.Relu(branch.Zip(shortcut, (a, b) => a + b).ToArray());

        Assert.Equal(expected.Length, onnxOutput.Length);
        var maxDifference = expected.Zip(onnxOutput, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDifference <= 1e-4, $"max |ONNX Runtime - reference| = {maxDifference}");
        Assert.True(expected.Count(v => v > 0) > expected.Length / 10, "the block should not be dead: too few positive outputs");
    }
}
