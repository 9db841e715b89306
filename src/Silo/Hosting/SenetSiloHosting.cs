using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using SENet.Grains.Devices;
using Orleans.Dashboard;
using SENet.Evaluation.Storage;
using SENet.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace SENet.Silo.Hosting;

/// <summary>Hosting a SENet silo: the silo program and the client's embedded default both come through here.</summary>
public static class SenetSiloHosting
{
    /// <summary>Adds a silo configured from <c>SENet:Silo</c> and <c>SENet:Devices</c>.</summary>
    public static IHostApplicationBuilder AddSenetSilo(this IHostApplicationBuilder builder)
    {
        var silo = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        var devices = builder.Configuration.GetSection(DeviceOptions.Section).Get<DeviceOptions>() ?? new DeviceOptions();
        var telemetry = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        return builder.AddSenetSilo(silo, devices, telemetry, storage);
    }

    public static IHostApplicationBuilder AddSenetSilo(this IHostApplicationBuilder builder, SiloOptions silo, DeviceOptions devices, TelemetryOptions? telemetry = null, StorageOptions? storage = null)
    {
        if (!string.Equals(silo.Clustering, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Clustering '{silo.Clustering}' is not supported yet; use 'localhost'.");
        }

        builder.UseOrleans(orleans =>
        {
            var primary = silo.PrimarySiloPort is { } port ? new IPEndPoint(IPAddress.Loopback, port) : null;
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, primary, silo.ServiceId, silo.ClusterId);
            orleans.AddSenetGrains(devices, storage: storage);
            // Trace context flows through grain calls, so one trace shows a job across silos.
            orleans.AddActivityPropagation();
            if (telemetry?.DashboardPort is not null)
            {
                orleans.AddDashboard();
            }
        });
        builder.Services.AddSenetTelemetry(telemetry ?? new TelemetryOptions(), $"{silo.ClusterId}/{silo.SiloPort}");
        return builder;
    }
}
