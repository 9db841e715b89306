using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using SENet.Grains.Devices;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Hosting.Kubernetes;
using SENet.Evaluation.Storage;
using SENet.Grains.Hosting;
using SENet.Grains.Jobs;
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
        var tls = (builder.Configuration.GetSection(TlsSettings.Section).Get<TlsSettings>() ?? new TlsSettings()).Load();
        var faults = builder.Configuration.GetSection(FaultInjectionOptions.Section).Get<FaultInjectionOptions>();
        return builder.AddSenetSilo(silo, devices, telemetry, storage, tls, faults);
    }

    public static IHostApplicationBuilder AddSenetSilo(this IHostApplicationBuilder builder, SiloOptions silo, DeviceOptions devices, TelemetryOptions? telemetry = null,
        StorageOptions? storage = null, System.Security.Cryptography.X509Certificates.X509Certificate2? tls = null, FaultInjectionOptions? faults = null)
    {
        var azure = string.Equals(silo.Clustering, "azure", StringComparison.OrdinalIgnoreCase);
        if (!azure && !string.Equals(silo.Clustering, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Clustering '{silo.Clustering}' is unknown: use 'localhost' or 'azure'.");
        }

        if (azure && string.IsNullOrWhiteSpace(storage?.ConnectionString) && string.IsNullOrWhiteSpace(storage?.AccountUrl))
        {
            throw new InvalidOperationException(
                "Azure clustering needs SENet:Storage:ConnectionString (environment SENet__Storage__ConnectionString), or SENet:Storage:AccountUrl " +
                "(https://ACCOUNT.blob.core.windows.net) with a workload or managed identity allowed to use the account's blobs and tables.");
        }

        if (silo.Kubernetes && !azure)
        {
            throw new InvalidOperationException("SENet:Silo:Kubernetes needs SENet:Silo:Clustering=azure: pods of a Kubernetes cluster cannot share localhost clustering.");
        }

        builder.UseOrleans(orleans =>
        {
            if (azure)
            {
                orleans.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = silo.ClusterId;
                    o.ServiceId = silo.ServiceId;
                });
                if (silo.Kubernetes)
                {
                    // The pod's IP is advertised and every interface listened on; the ports stay ours.
                    orleans.Configure<EndpointOptions>(o =>
                    {
                        o.SiloPort = silo.SiloPort;
                        o.GatewayPort = silo.GatewayPort;
                    });
                    // A silo that membership declared dead (a hung GPU driver, say) loses its pod, so the Deployment replaces it.
                    orleans.UseKubernetesHosting(options => options.Configure(o => o.DeleteDefunctSiloPods = true));
                }
                else if (silo.AdvertisedAddress is { Length: > 0 } address)
                {
                    orleans.ConfigureEndpoints(IPAddress.Parse(address), silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: true);
                }
                else
                {
                    orleans.ConfigureEndpoints(silo.SiloPort, silo.GatewayPort);
                }

                if (storage!.ConnectionString is { Length: > 0 } connectionString)
                {
                    orleans.UseAzureStorageClustering(o => o.TableServiceClient = new Azure.Data.Tables.TableServiceClient(connectionString));
                    orleans.AddSenetBlobJobStorage(connectionString);
                }
                else
                {
                    var account = new Uri(storage.AccountUrl!);
                    var credential = new Azure.Identity.DefaultAzureCredential();
                    orleans.UseAzureStorageClustering(o => o.TableServiceClient = new Azure.Data.Tables.TableServiceClient(TableEndpoint(account), credential));
                    orleans.AddSenetBlobJobStorage(account, credential);
                }
            }
            else
            {
                var primary = silo.PrimarySiloPort is { } port ? new IPEndPoint(IPAddress.Loopback, port) : null;
                orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, primary, silo.ServiceId, silo.ClusterId);
                if (silo.GatewayOnAllInterfaces)
                {
                    orleans.Configure<EndpointOptions>(o => o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, silo.GatewayPort));
                }
            }

            orleans.AddSenetGrains(devices, useMemoryStorage: !azure, storage: storage);
            if (!silo.HostsCoordinators)
            {
                orleans.Configure<GrainTypeOptions>(o =>
                {
                    o.Classes.Remove(typeof(EvaluationJobGrain));
                    o.Classes.Remove(typeof(JobRegistryGrain));
                });
            }

            if (faults?.TerminateOnImage is { Length: > 0 } poison)
            {
                orleans.Services.AddSingleton<IDatasetSourceFactory>(_ => new TerminatingDatasetSourceFactory(new DatasetSourceFactory(storage ?? new StorageOptions()), poison));
            }
            if (tls is not null)
            {
                orleans.UseTls(tls, options => ClusterTls.Configure(options, tls));
            }

            // Trace context flows through grain calls, so one trace shows a job across silos.
            orleans.AddActivityPropagation();
        });
        builder.Services.AddSenetTelemetry(telemetry ?? new TelemetryOptions(), $"{silo.ClusterId}/{silo.SiloPort}");
        return builder;
    }

    /// <summary>The table endpoint of the account whose blob endpoint is <paramref name="blobAccount"/> (https://ACCOUNT.blob.… → https://ACCOUNT.table.…).</summary>
    public static Uri TableEndpoint(Uri blobAccount)
    {
        var host = blobAccount.Host;
        var blob = host.IndexOf(".blob.", StringComparison.OrdinalIgnoreCase);
        if (blob < 0)
        {
            throw new InvalidOperationException($"SENet:Storage:AccountUrl '{blobAccount}' is not a blob endpoint (https://ACCOUNT.blob.core.windows.net): its table endpoint cannot be derived.");
        }

        return new UriBuilder(blobAccount) { Host = host[..blob] + ".table." + host[(blob + ".blob.".Length)..], Path = "/" }.Uri;
    }
}
