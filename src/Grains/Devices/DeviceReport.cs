using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SENet.Grains.Devices;

/// <summary>Says at silo start which devices the silo offers, and warns when it found GPUs it cannot use.</summary>
public sealed class DeviceReport(DeviceDiscovery discovery, ILogger<DeviceReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (discovery.Note is { } note)
        {
            logger.LogWarning("Devices: {Note}", note);
        }

        logger.LogInformation("Devices offered: {Devices}", string.Join(", ", discovery.Devices));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
