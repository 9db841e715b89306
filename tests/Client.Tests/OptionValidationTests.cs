namespace SENet.Client.Tests;

/// <summary>Option values that cannot work are refused while parsing, before any work, naming the option.</summary>
public sealed class OptionValidationTests
{
    [Theory]
    [InlineData("--crop-pct", "0")]
    [InlineData("--crop-pct", "2")]
    [InlineData("--crop-pct", "-0.5")]
    [InlineData("--crop-pct", "NaN")]
    [InlineData("--crop-pct", "Infinity")]
    [InlineData("--max-pixels", "0")]
    [InlineData("--max-pixels", "-1")]
    [InlineData("--batch-size", "0")]
    [InlineData("--batch-size", "-4")]
    [InlineData("--shard-size", "0")]
    [InlineData("--shard-size", "fast")]
    [InlineData("--shard-size", "2.5")]
    [InlineData("--threads", "-1")]
    [InlineData("--confidence-level", "1")]
    [InlineData("--confidence-level", "0")]
    [InlineData("--confidence-level", "95")]
    public async Task EvaluateRefusesAValueThatCannotWorkBeforeAnyWork(string option, string value)
    {
        var output = Path.Combine(Path.GetTempPath(), $"senet-refused-{Guid.NewGuid():N}");

        // The dataset does not exist either: a refusal that names the option proves nothing else was looked at.
        var (exitCode, _, stderr) = await CliRunner.RunAsync("evaluate", "--data", "/nonexistent/senet-data", "--model", "/nonexistent/m.onnx", "--out", output, option, value);

        Assert.Equal(1, exitCode);
        Assert.Contains($"{option} {value} cannot work", stderr);
        Assert.DoesNotContain("does not exist", stderr);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task SubmitRefusesAValueThatCannotWorkBeforeConnecting()
    {
        // No cluster listens on this gateway: the refusal comes before any connection is tried.
        var (exitCode, _, stderr) = await CliRunner.RunAsync("submit", "--data", "/d", "--model", "/m.onnx", "--crop-pct", "NaN", "--gateway", "1");

        Assert.Equal(1, exitCode);
        Assert.Contains("--crop-pct NaN cannot work: it must be a number above 0 and at most 1", stderr);
        Assert.DoesNotContain("No SENet cluster answered", stderr);
    }
}
