using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SENet.Grains.Devices;

namespace SENet.Silo.Hosting;

/// <summary>
/// Silos started inside the calling process on free loopback ports: one for the embedded default (<c>evaluate</c>,
/// <c>demo</c>), several for the cluster benchmark. The same grains as a deployed cluster, reached through
/// <see cref="Grains"/>.
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    private readonly List<IHost> _silos;

    private EmbeddedCluster(List<IHost> silos) => _silos = silos;

    public IGrainFactory Grains => _silos[0].Services.GetRequiredService<IGrainFactory>();

    /// <summary>What the first silo found to offer, and why it offers the CPU where it found GPUs it cannot use.</summary>
    public Grains.Devices.DeviceDiscovery Devices => _silos[0].Services.GetRequiredService<Grains.Devices.DeviceDiscovery>();

    public int GatewayPort { get; private init; }

    /// <summary>Cluster and service id (the same, unique per embedded cluster), for clients that connect through the gateway.</summary>
    public string ClusterId { get; private init; } = "";

    /// <param name="briefLog">Log one line per entry with no stack traces (the CLI without --verbose).</param>
    public static async Task<EmbeddedCluster> StartAsync(DeviceOptions devices, int silos = 1, LogLevel logLevel = LogLevel.Warning, TelemetryOptions? telemetry = null, Evaluation.Storage.StorageOptions? storage = null,
        System.Security.Cryptography.X509Certificates.X509Certificate2? tls = null, CancellationToken cancellationToken = default, bool briefLog = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(silos, 1);
        var ports = FreePorts.Take(2 * silos);
        var clusterId = $"embedded-{Guid.NewGuid():N}";
        var hosts = new List<IHost>();
        try
        {
            for (var i = 0; i < silos; i++)
            {
                var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
                builder.Logging.AddConsole(o =>
                    {
                        o.LogToStandardErrorThreshold = LogLevel.Trace;
                        if (briefLog)
                        {
                            o.FormatterName = BriefConsoleFormatter.Name;
                        }
                    })
                    .AddConsoleFormatter<BriefConsoleFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>()
                    .SetMinimumLevel(logLevel)
                    .AddFilter("Orleans.Runtime.Silo", LogLevel.Error)
                    .AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
                builder.AddSenetSilo(
                    new SiloOptions { ClusterId = clusterId, ServiceId = clusterId, SiloPort = ports[2 * i], GatewayPort = ports[2 * i + 1], PrimarySiloPort = i == 0 ? null : ports[0] },
                    devices,
                    i == 0 ? telemetry : null,
                    storage,
                    tls);
                builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
                var host = builder.Build();
                await host.StartAsync(cancellationToken);
                hosts.Add(host);
            }

            return new EmbeddedCluster(hosts) { GatewayPort = ports[1], ClusterId = clusterId };
        }
        catch
        {
            foreach (var host in hosts)
            {
                await host.StopAsync(CancellationToken.None);
                host.Dispose();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_silos))
        {
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
        }
    }
}
