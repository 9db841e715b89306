using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SENet.Client.Cluster;

/// <summary>An Orleans client connected to a running cluster's gateway.</summary>
public sealed class ClusterConnection(IHost host) : IAsyncDisposable
{
    public IGrainFactory Grains => host.Services.GetRequiredService<IClusterClient>();

    public static async Task<ClusterConnection> ConnectAsync(int gatewayPort, string clusterId, string serviceId, CancellationToken cancellationToken,
        System.Security.Cryptography.X509Certificates.X509Certificate2? tls = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        // One try: a CLI should say at once that nothing listens, not retry for minutes.
        builder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering(gatewayPort, serviceId, clusterId).UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            Configure(client, tls);
        });
        try
        {
            return await StartAsync(builder, $"No SENet cluster answered at gateway 127.0.0.1:{gatewayPort} (cluster '{clusterId}')", " Start a silo (dotnet run --project src/Silo) or pass --gateway.", cancellationToken);
        }
        catch (IOException e)
        {
            // Something listens there and answered a TLS handshake: say what is wrong rather than that nothing runs.
            var reason = await GatewayProbe.DiagnoseAsync(gatewayPort, tls);
            if (reason is null)
            {
                throw;
            }

            throw new IOException($"The SENet cluster at gateway 127.0.0.1:{gatewayPort} refused this client's connection: {reason}.", e);
        }
    }

    public static async Task<ClusterConnection> ConnectToAzureAsync(Evaluation.Storage.StorageOptions storage, string clusterId, string serviceId, CancellationToken cancellationToken,
        System.Security.Cryptography.X509Certificates.X509Certificate2? tls = null)
    {
        if (string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            throw new ArgumentException("--clustering azure needs the storage connection string in the environment: SENet__Storage__ConnectionString.");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.UseOrleansClient(client =>
        {
            client
                .Configure<Orleans.Configuration.ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = serviceId;
                })
                .UseAzureStorageClustering(o => o.TableServiceClient = new Azure.Data.Tables.TableServiceClient(storage.ConnectionString))
                .UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            Configure(client, tls);
        });
        return await StartAsync(builder, $"No SENet silo of cluster '{clusterId}' answered through Azure Table membership", "", cancellationToken);
    }

    /// <summary>
    /// What every connection has: activity propagation, so a trace the caller starts (submit, evaluate) parents the
    /// job's spans on the silos; and TLS when the cluster uses it.
    /// </summary>
    private static void Configure(IClientBuilder client, System.Security.Cryptography.X509Certificates.X509Certificate2? tls)
    {
        client.AddActivityPropagation();
        if (tls is not null)
        {
            client.UseTls(tls, options => Silo.Hosting.ClusterTls.Configure(options, tls));
        }
    }

    private static async Task<ClusterConnection> StartAsync(HostApplicationBuilder builder, string failure, string hint, CancellationToken cancellationToken)
    {
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            throw new IOException($"{failure}: {e.Message}{hint}", e);
        }

        return new ClusterConnection(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(CancellationToken.None);
        host.Dispose();
    }
}
