using System.CommandLine;
using SENet.Client.Commands;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;

namespace SENet.Client.Tests;

public sealed class MaxFileBytesOptionTests
{
    [Fact]
    public void TheFileSizeLimitReachesTheJobAndDefaultsToTheEnginesLimit()
    {
        var options = new EvaluationOptions();
        var command = new Command("evaluate");
        options.AddTo(command);

        var given = options.ToJobSpec(command.Parse(["--max-file-bytes", "1000"]), "m.onnx", "data", DevicePolicy.Cpu);
        var defaulted = options.ToJobSpec(command.Parse([]), "m.onnx", "data", DevicePolicy.Cpu);

        Assert.Equal(1000, given.MaxFileBytes);
        Assert.Equal(ImageFiles.DefaultMaxBytes, defaulted.MaxFileBytes);
        Assert.Equal(ImageFiles.DefaultMaxBytes, new Contracts.Jobs.JobSpec { ModelPath = "m", DataPath = "d" }.MaxFileBytes);
    }
}
