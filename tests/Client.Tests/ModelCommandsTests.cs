using SENet.Evaluation.Models;

namespace SENet.Client.Tests;

public sealed class ModelCommandsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("senet-cli-");

    [Fact]
    public async Task BuildWritesTheModelAndInfoDescribesIt()
    {
        var path = Path.Combine(_folder.FullName, "model.onnx");

        var build = await CliRunner.RunAsync("model", "build", "seresnet18", "--layout", "caffe", "--classes", "10", "--input-size", "64", "--out", path);
        var info = await CliRunner.RunAsync("model", "info", path);

        Assert.Equal(0, build.ExitCode);
        Assert.Equal("", build.Error);
        Assert.Equal(0, info.ExitCode);
        var description = ModelInspector.Inspect(await File.ReadAllBytesAsync(path));
        Assert.Equal("caffe", description.GetMetadata(ModelMetadataKeys.Layout));
        Assert.Contains("seresnet18", info.Output);
        Assert.Contains("caffe", info.Output);
        Assert.Contains("input: float[N,3,64,64]", info.Output);
        Assert.Contains("logits: float[N,10]", info.Output);
        Assert.Contains(description.Parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), info.Output);
        Assert.Contains("seeded weights", info.Output);
    }

    [Fact]
    public async Task Fp16BuildKeepsAFloat32InterfaceAndSaysItsWeightsAreFloat16()
    {
        var path = Path.Combine(_folder.FullName, "half.onnx");

        var build = await CliRunner.RunAsync("model", "build", "seresnet18", "--classes", "10", "--input-size", "64", "--fp16", "--out", path);

        Assert.Equal(0, build.ExitCode);
        Assert.Contains("float16", build.Output);
        Assert.Contains("input: float[N,3,64,64]", build.Output);
        var single = SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 10, InputSize: 64));
        Assert.InRange(new FileInfo(path).Length, single.Length * 0.45, single.Length * 0.55);
    }

    [Fact]
    public async Task InfoOnAMissingFileFailsOnStandardError()
    {
        var (exitCode, output, error) = await CliRunner.RunAsync("model", "info", Path.Combine(_folder.FullName, "absent.onnx"));

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.StartsWith("error: Model file", error);
        Assert.Contains("senet model build", error);
    }

    [Fact]
    public async Task InfoOnDevZeroIsRefusedBeforeReading()
    {
        var (exitCode, output, error) = await CliRunner.RunAsync("model", "info", "/dev/zero");

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Contains("'/dev/zero' is a character device, not a regular file", error);
    }

    [Fact]
    public async Task InfoOnAFileThatIsNotOnnxSaysSo()
    {
        var path = Path.Combine(_folder.FullName, "notes.onnx");
        await File.WriteAllTextAsync(path, "this is not a model");

        var (exitCode, _, error) = await CliRunner.RunAsync("model", "info", path);

        Assert.Equal(1, exitCode);
        Assert.Contains("not an ONNX model", error);
    }

    [Theory]
    [InlineData("model", "build", "seresnet51", "--out", "x.onnx")]
    [InlineData("model", "build", "seresnet50", "--layout", "keras", "--out", "x.onnx")]
    [InlineData("model", "build", "seresnet50")]
    [InlineData("frobnicate")]
    public async Task BadArgumentsExitNonZeroWithAnError(params string[] args)
    {
        var (exitCode, _, error) = await CliRunner.RunAsync(args);

        Assert.NotEqual(0, exitCode);
        Assert.NotEmpty(error.Trim());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("model", "--help")]
    [InlineData("model", "build", "--help")]
    [InlineData("model", "info", "--help")]
    public async Task HelpIsEverywhere(params string[] args)
    {
        var (exitCode, output, _) = await CliRunner.RunAsync(args);

        Assert.Equal(0, exitCode);
        Assert.Contains("Usage:", output);
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
