using SENet.Client.Cluster;

namespace SENet.Client.Tests;

/// <summary><c>--gateway</c> takes host:port, [IPv6]:port or a bare port on this machine, and refuses anything else while parsing.</summary>
public sealed class GatewayOptionTests
{
    [Theory]
    [InlineData("30000", "127.0.0.1", 30000)]
    [InlineData("1", "127.0.0.1", 1)]
    [InlineData("localhost:30001", "localhost", 30001)]
    [InlineData("silo-1.cluster.example.com:65535", "silo-1.cluster.example.com", 65535)]
    [InlineData("10.0.0.5:30000", "10.0.0.5", 30000)]
    [InlineData("[fd00::5]:30000", "fd00::5", 30000)]
    [InlineData("[::1]:7", "::1", 7)]
    [InlineData(" 10.0.0.5:30000 ", "10.0.0.5", 30000)]
    public void AcceptsHostAndPortOrABarePort(string text, string host, int port)
    {
        Assert.True(GatewayAddress.TryParse(text, out var gateway, out var problem), problem);

        Assert.Equal(new GatewayAddress(host, port), gateway);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("silo1", "has no port")]
    [InlineData("[fd00::5]", "has no port")]
    [InlineData("silo1:", "has port '', but a port is a whole number from 1 to 65535")]
    [InlineData("silo1:0", "has port '0', but a port is a whole number from 1 to 65535")]
    [InlineData("silo1:65536", "has port '65536', but a port is a whole number from 1 to 65535")]
    [InlineData("silo1:-1", "has port '-1'")]
    [InlineData("silo1:30000x", "has port '30000x'")]
    [InlineData("-5", "has port '-5'")]
    [InlineData(":30000", "has no host before ':'")]
    [InlineData("::1", "is an IPv6 address with no port")]
    [InlineData("fd00::5:30000", "has host 'fd00::5': an IPv6 address goes in brackets")]
    [InlineData("http://silo1:30000", "has host 'http://silo1', which is not a host name or IP address")]
    [InlineData("silo 1:30000", "has host 'silo 1', which is not a host name or IP address")]
    public void RefusesAnythingElseSayingWhatIsWrong(string text, string problemStart)
    {
        Assert.False(GatewayAddress.TryParse(text, out _, out var problem));

        Assert.StartsWith(problemStart, problem);
        Assert.Contains("use host:port", problem);
    }

    [Theory]
    [InlineData("10.0.0.5:30000", "10.0.0.5:30000")]
    [InlineData("[fd00::5]:30000", "[fd00::5]:30000")]
    [InlineData("30000", "127.0.0.1:30000")]
    public void PrintsAsItIsWritten(string text, string printed)
    {
        Assert.True(GatewayAddress.TryParse(text, out var gateway, out _));

        Assert.Equal(printed, gateway.ToString());
    }

    [Theory]
    [InlineData("silo1")]
    [InlineData("silo1:99999")]
    [InlineData("::1")]
    public async Task EveryJobVerbRefusesABadGatewayBeforeConnecting(string value)
    {
        var (exitCode, _, stderr) = await CliRunner.RunAsync("jobs", "--gateway", value);

        Assert.Equal(1, exitCode);
        Assert.Contains($"--gateway '{value}' ", stderr);
        Assert.Contains("use host:port", stderr);
        Assert.DoesNotContain("No SENet cluster answered", stderr);
    }

    [Fact]
    public async Task AHostNameThatDoesNotResolveIsNamed()
    {
        // .invalid never resolves (RFC 2606).
        var (exitCode, _, stderr) = await CliRunner.RunAsync("silos", "--gateway", "senet-silo.invalid:30000");

        Assert.Equal(1, exitCode);
        Assert.Contains("The gateway host 'senet-silo.invalid' (--gateway senet-silo.invalid:30000) does not resolve", stderr);
    }
}
