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
using Microsoft.Extensions.Options;

namespace SENet.Silo.Hosting;

/// <summary>Hosting a SENet silo: the silo program and the client's embedded default both come through here.</summary>
public static class SenetSiloHosting
{
    /// <summary>
    /// Adds a silo configured from the host's configuration (<c>SENet:Silo</c>, <c>SENet:Devices</c>, <c>SENet:Storage</c>,
    /// <c>SENet:Telemetry</c>, <c>SENet:Tls</c>, <c>SENet:JobState</c>, <c>SENet:FaultInjection</c>), each section bound
    /// as options and checked (<see cref="SenetOptionsBinding"/>). A value that cannot work throws
    /// <see cref="OptionsValidationException"/> naming its key, here or when the host starts.
    /// </summary>
    public static IHostApplicationBuilder AddSenetSilo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSenetOptions();
        // The silo's shape (clustering provider, advertised devices, exporters, certificate) follows from these values,
        // so they are read now, from the builder's own configuration, through the same binding and checks.
        var configuration = builder.Configuration;
        var tls = configuration.Resolve<TlsSettings>().Load();
        return builder.AddSenetSiloCore(configuration.Resolve<SiloOptions>(), configuration.Resolve<DeviceOptions>(), configuration.Resolve<TelemetryOptions>(),
            configuration.Resolve<StorageOptions>(), tls, configuration.Resolve<FaultInjectionOptions>());
    }

    /// <summary>
    /// Adds a silo with values given in code (the embedded cluster, benchmarks): the same options, checks and
    /// <c>Configure&lt;T&gt;</c> overrides as <see cref="AddSenetSilo(IHostApplicationBuilder)"/>, with no configuration read.
    /// </summary>
    public static IHostApplicationBuilder AddSenetSilo(this IHostApplicationBuilder builder, SiloOptions silo, DeviceOptions devices, TelemetryOptions? telemetry = null,
        StorageOptions? storage = null, System.Security.Cryptography.X509Certificates.X509Certificate2? tls = null, FaultInjectionOptions? faults = null)
    {
        telemetry ??= new TelemetryOptions();
        storage ??= new StorageOptions();
        Check(new SiloOptionsValidator(Options.Create(storage)), silo);
        Check(new DeviceOptionsValidator(), devices);
        Check(new StorageOptionsValidator(), storage);
        Check(new TelemetryOptionsValidator(), telemetry);
        builder.Services.AddSenetOptions(silo, devices, storage, telemetry);
        return builder.AddSenetSiloCore(silo, devices, telemetry, storage, tls, faults);
    }

    private static void Check<TOptions>(IValidateOptions<TOptions> validator, TOptions options) where TOptions : class
    {
        if (validator.Validate(Options.DefaultName, options) is { Failed: true } result)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), result.Failures);
        }
    }

    private static IHostApplicationBuilder AddSenetSiloCore(this IHostApplicationBuilder builder, SiloOptions silo, DeviceOptions devices, TelemetryOptions telemetry,
        StorageOptions storage, System.Security.Cryptography.X509Certificates.X509Certificate2? tls, FaultInjectionOptions? faults)
    {
        var azure = string.Equals(silo.Clustering, "azure", StringComparison.OrdinalIgnoreCase);
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

                if (storage.ConnectionString is { Length: > 0 } connectionString)
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
                orleans.Services.AddSingleton<IDatasetSourceFactory>(_ => new TerminatingDatasetSourceFactory(new DatasetSourceFactory(storage), poison));
            }
            if (tls is not null)
            {
                orleans.UseTls(tls, options => ClusterTls.Configure(options, tls));
            }

            // Trace context flows through grain calls, so one trace shows a job across silos.
            orleans.AddActivityPropagation();
        });
        builder.Services.AddSenetTelemetry(telemetry, $"{silo.ClusterId}/{silo.SiloPort}");
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
