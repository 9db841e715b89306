using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SENet.Evaluation.Storage;
using SENet.Grains.Devices;
using SENet.Grains.Jobs;
using SENet.Silo.Hosting;

namespace SENet.Silo.Tests;

/// <summary>Every SENet section bound as options, checked at silo start with a message naming the key, overridable with Configure.</summary>
[Collection(ProcessTelemetryCollection.Name)]
public sealed class OptionsBindingTests
{
    [Theory]
    [InlineData("--SENet:Devices:SessionsPerDevice=-1", "SENet:Devices: ", "SessionsPerDevice (-1)")]
    [InlineData("--SENet:Silo:Clustering=moon", "Clustering 'moon' is unknown: use 'localhost' or 'azure' (SENet:Silo:Clustering)", "")]
    [InlineData("--SENet:Silo:Kubernetes=true", "SENet:Silo:Kubernetes needs SENet:Silo:Clustering=azure", "")]
    [InlineData("--SENet:Silo:Clustering=azure", "Azure clustering needs SENet:Storage:ConnectionString", "")]
    [InlineData("--SENet:Telemetry:OtlpEndpoint=collector:4317", "SENet:Telemetry:OtlpEndpoint 'collector:4317' is not an http(s) address", "")]
    [InlineData("--SENet:Storage:MaxRetries=-1", "SENet:Storage:MaxRetries=-1 must be 0 (no retry) or more", "")]
    [InlineData("--SENet:JobState:OverlayLimit=0", "SENet:JobState:OverlayLimit=0 must be 1 or more", "")]
    [InlineData("--SENet:JobState:LogSlots=0", "SENet:JobState:LogSlots=0 must be 1 or more", "")]
    [InlineData("--SENet:Tls:CertificatePath=/nonexistent/cluster.pfx", "TLS certificate '/nonexistent/cluster.pfx' does not exist (SENet:Tls:CertificatePath)", "")]
    public async Task ASettingThatCannotWorkIsRefusedBeforeTheSiloStartsNamingTheKey(string setting, string expected, string alsoExpected)
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => BuildAndStartAsync(setting));

        Assert.Contains(expected, refused.Message);
        Assert.Contains(alsoExpected, refused.Message);
    }

    [Fact]
    public void SeveralSettingsThatCannotWorkAreRefusedTogetherWhileTheSiloIsBuilt()
    {
        var ports = FreePorts.Take(2).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray();

        var refused = Assert.Throws<OptionsValidationException>(() => SiloApp.Build(
        [
            $"--SENet:Silo:SiloPort={ports[0]}", $"--SENet:Silo:GatewayPort={ports[1]}", "--SENet:Devices:List=cpu:0",
            "--SENet:JobState:OverlayLimit=0", "--SENet:JobState:ShardsPerPartition=-1",
        ]));

        Assert.Contains("SENet:JobState:OverlayLimit=0", refused.Message);
        Assert.Contains("SENet:JobState:ShardsPerPartition=-1", refused.Message);
    }

    [Fact]
    public void EverySectionIsBoundFromTheHostsConfiguration()
    {
        var builder = SiloBuilder("--SENet:JobState:ShardsPerPartition=64", "--SENet:Devices:ReadConcurrency=32", "--SENet:Storage:InputRoots:0=/data");
        builder.AddSenetSilo();
        using var host = builder.Build();

        Assert.Equal(64, host.Services.GetRequiredService<IOptions<JobStateOptions>>().Value.ShardsPerPartition);
        Assert.Equal(32, host.Services.GetRequiredService<IOptions<DeviceOptions>>().Value.ReadConcurrency);
        Assert.Equal(["/data"], host.Services.GetRequiredService<IOptions<StorageOptions>>().Value.InputRoots);
    }

    [Fact]
    public async Task ConfigureOverridesABoundValueAndTheOverrideIsCheckedAtStart()
    {
        var builder = SiloBuilder("--SENet:JobState:OverlayLimit=9");
        builder.AddSenetSilo();
        builder.Services.Configure<JobStateOptions>(o => o.OverlayLimit = 5);
        using (var host = builder.Build())
        {
            Assert.Equal(5, host.Services.GetRequiredService<IOptions<JobStateOptions>>().Value.OverlayLimit);
        }

        var broken = SiloBuilder();
        broken.AddSenetSilo();
        broken.Services.Configure<JobStateOptions>(o => o.ShardsPerPartition = 0);
        using var refusing = broken.Build();
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => refusing.StartAsync());
        Assert.Contains("SENet:JobState:ShardsPerPartition=0 must be 1 or more", refused.Message);
    }

    [Fact]
    public void ValuesGivenInCodeGoThroughTheSameChecks()
    {
        var ports = FreePorts.Take(2);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var refused = Assert.Throws<OptionsValidationException>(() =>
            builder.AddSenetSilo(new SiloOptions { SiloPort = ports[0], GatewayPort = ports[1] }, new DeviceOptions { DecodeWorkers = -3 }));

        Assert.Contains("DecodeWorkers (-3)", refused.Message);
        Assert.Contains("SENet:Devices", refused.Message);
    }

    [Fact]
    public void ValuesGivenInCodeReachTheGrainsThroughIOptions()
    {
        var ports = FreePorts.Take(2);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddSenetSilo(new SiloOptions { SiloPort = ports[0], GatewayPort = ports[1] }, new DeviceOptions { List = "cpu:0", ShardsInFlight = 3 },
            storage: new StorageOptions { MaxRetries = 2 });
        builder.Services.Configure<DeviceOptions>(o => o.ReadConcurrency = 12);
        using var host = builder.Build();

        var devices = host.Services.GetRequiredService<IOptions<DeviceOptions>>().Value;
        Assert.Equal((3, 12), (devices.ShardsInFlight, devices.ReadConcurrency));
        Assert.Equal(2, host.Services.GetRequiredService<IOptions<StorageOptions>>().Value.MaxRetries);
    }

    private static HostApplicationBuilder SiloBuilder(params string[] settings)
    {
        var ports = FreePorts.Take(2).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray();
        string[] args =
        [
            $"--SENet:Silo:SiloPort={ports[0]}", $"--SENet:Silo:GatewayPort={ports[1]}", $"--SENet:Silo:ClusterId=options-{Guid.NewGuid():N}",
            "--SENet:Devices:List=cpu:0", "--Logging:LogLevel:Default=Warning", .. settings,
        ];
        return Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = SiloApp.ContentRoot });
    }

    private static async Task BuildAndStartAsync(string setting)
    {
        var ports = FreePorts.Take(2).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray();
        using var silo = SiloApp.Build(
        [
            $"--SENet:Silo:SiloPort={ports[0]}", $"--SENet:Silo:GatewayPort={ports[1]}", $"--SENet:Silo:ClusterId=refused-{Guid.NewGuid():N}",
            "--SENet:Devices:List=cpu:0", "--Logging:LogLevel:Default=Warning", setting,
        ]);
        await silo.StartAsync();
        await silo.StopAsync();
    }
}
