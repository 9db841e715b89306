using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime.MembershipService.SiloMetadata;
using SENet.Contracts.Workers;
using SENet.Silo.Hosting;

namespace SENet.Silo.Tests;

[Collection(ProcessTelemetryCollection.Name)]
public sealed class SiloProgramTests
{
    [Fact]
    public async Task TheSiloProgramReadsItsConfigurationAndServesDashboardAndMetrics()
    {
        var ports = FreePorts.Take(4).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray();
        var clusterId = $"program-{Guid.NewGuid():N}";
        using var silo = SiloApp.Build(
        [
            $"--SENet:Silo:SiloPort={ports[0]}", $"--SENet:Silo:GatewayPort={ports[1]}", $"--SENet:Silo:ClusterId={clusterId}",
            $"--SENet:Telemetry:DashboardPort={ports[2]}", $"--SENet:Telemetry:PrometheusPort={ports[3]}",
            "--SENet:Devices:List=cpu:0,cpu:1,cpu:2", "--Logging:LogLevel:Default=Warning",
        ]);
        await silo.StartAsync();
        try
        {
            using var http = new HttpClient();
            var dashboard = await http.GetStringAsync($"http://localhost:{ports[2]}/");
            var metrics = await http.GetStringAsync($"http://localhost:{ports[3]}/metrics");
            var local = silo.Services.GetRequiredService<ILocalSiloDetails>();
            var devices = silo.Services.GetRequiredService<ISiloMetadataCache>().GetSiloMetadata(local.SiloAddress).Metadata[DeviceMetadata.Key];

            Assert.Contains("<html", dashboard, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("orleans_", metrics);
            Assert.Equal("cpu:0,cpu:1,cpu:2", devices);
            Assert.Equal(int.Parse(ports[0], CultureInfo.InvariantCulture), local.SiloAddress.Endpoint.Port);
            Assert.Equal(clusterId, local.ClusterId);
        }
        finally
        {
            await silo.StopAsync();
        }
    }

    [Fact]
    public async Task AContainersSiloAcceptsClientsOnEveryInterface()
    {
        var ports = FreePorts.Take(2).ToArray();
        using var silo = SiloApp.Build(
        [
            $"--SENet:Silo:SiloPort={ports[0]}", $"--SENet:Silo:GatewayPort={ports[1]}", "--SENet:Silo:GatewayOnAllInterfaces=true",
            $"--SENet:Silo:ClusterId=any-{Guid.NewGuid():N}", "--SENet:Devices:List=cpu:0", "--Logging:LogLevel:Default=Warning",
        ]);
        await silo.StartAsync();
        try
        {
            var endpoints = silo.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.EndpointOptions>>().Value;
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(System.Net.IPAddress.Loopback, ports[1]);

            Assert.Equal(new System.Net.IPEndPoint(System.Net.IPAddress.Any, ports[1]), endpoints.GatewayListeningEndpoint);
            Assert.Equal(System.Net.IPAddress.Loopback, endpoints.AdvertisedIPAddress);
            Assert.True(client.Connected);
        }
        finally
        {
            await silo.StopAsync();
        }
    }
}
