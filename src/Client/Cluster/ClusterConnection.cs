using System.Security.Cryptography.X509Certificates;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Clustering.AzureStorage;

namespace SENet.Client.Cluster;

/// <summary>An Orleans client connected to a running cluster's gateway.</summary>
public sealed class ClusterConnection(IHost host) : IAsyncDisposable
{
    /// <summary>Gateways probed at most when explaining a failed connection: a few say what the others would.</summary>
    private const int MaxGatewaysProbed = 8;

    public IGrainFactory Grains => host.Services.GetRequiredService<IClusterClient>();

    public static async Task<ClusterConnection> ConnectAsync(GatewayAddress gateway, string clusterId, string serviceId, CancellationToken cancellationToken,
        X509Certificate2? tls = null)
    {
        var endpoint = await gateway.ResolveAsync(cancellationToken);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        // One try: a CLI should say at once that nothing listens, not retry for minutes.
        builder.UseOrleansClient(client =>
        {
            client
                .UseStaticClustering(endpoint)
                .Configure<Orleans.Configuration.ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = serviceId;
                })
                .UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            Configure(client, tls);
        });
        try
        {
            return await StartAsync(builder, $"No SENet cluster answered at gateway {gateway} (cluster '{clusterId}')", " Start a silo (dotnet run --project src/Silo) or pass --gateway host:port.", cancellationToken);
        }
        catch (IOException e)
        {
            // Something listens there and answered a TLS handshake: say what is wrong rather than that nothing runs.
            if ((await GatewayProbe.DiagnoseAsync(gateway, tls)).TlsProblem is not { } reason)
            {
                throw;
            }

            throw new IOException($"The SENet cluster at gateway {gateway} refused this client's connection: {reason}.", e);
        }
    }

    public static async Task<ClusterConnection> ConnectToAzureAsync(Evaluation.Storage.StorageOptions storage, string clusterId, string serviceId, CancellationToken cancellationToken,
        X509Certificate2? tls = null)
    {
        if (string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            throw new ArgumentException("--clustering azure needs the storage connection string in the environment: SENet__Storage__ConnectionString.");
        }

        var tables = new TableServiceClient(storage.ConnectionString);
        var membership = new AzureStorageGatewayOptions { TableServiceClient = tables };
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
                .UseAzureStorageClustering(o =>
                {
                    o.TableServiceClient = tables;
                    o.TableName = membership.TableName;
                })
                .UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            Configure(client, tls);
        });
        try
        {
            return await StartAsync(builder, $"No SENet silo of cluster '{clusterId}' answered through Azure Table membership", "", cancellationToken);
        }
        catch (IOException e)
        {
            // One try: when storage itself failed, Orleans already spent its retries on it.
            var oneTry = new TableServiceClient(storage.ConnectionString, new TableClientOptions { Retry = { MaxRetries = 0 } });
            throw await ExplainAsync(oneTry.GetTableClient(membership.TableName), clusterId, tls, e, cancellationToken);
        }
    }

    /// <summary>
    /// Why a client found no silo through Azure Table membership, from what the table lists and what its gateways
    /// answer: no active silo, a gateway refusing this client's TLS certificate, or gateways listed that nothing answers
    /// at. The original failure when neither says more. Names the table and gateways, never the connection string.
    /// </summary>
    private static async Task<Exception> ExplainAsync(TableClient table, string clusterId, X509Certificate2? tls, IOException failure, CancellationToken cancellationToken)
    {
        MembershipListing listing;
        try
        {
            listing = await AzureMembershipTable.ReadAsync(table, clusterId, cancellationToken);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or AggregateException or IOException)
        {
            // Storage itself failing (Orleans' client creates the table, so it exists when storage works): Orleans'
            // own message already says so.
            return failure;
        }

        if (listing.ActiveGateways.Count == 0)
        {
            var inactive = listing.InactiveSilos.Count == 0
                ? "no silo of it"
                : "no active silo of it (" + string.Join(", ", listing.InactiveSilos.Select(s => $"{s.Value} {s.Key}")) + ")";
            var others = listing.OtherActiveClusters.Count == 0 ? "" : $" Clusters with active silos in this table: {string.Join(", ", listing.OtherActiveClusters.Select(c => $"'{c}'"))} (--cluster-id).";
            return new IOException($"No SENet silo of cluster '{clusterId}' is running: its Azure membership table '{table.Name}' lists {inactive}. {StartHint(clusterId)}{others}", failure);
        }

        var diagnoses = await Task.WhenAll(listing.ActiveGateways.Take(MaxGatewaysProbed).Select(gateway => GatewayProbe.DiagnoseAsync(gateway, tls)));
        if (diagnoses.FirstOrDefault(d => d.TlsProblem is not null) is { } refused)
        {
            return new IOException($"The SENet cluster '{clusterId}' at gateway {refused.Gateway} (listed in Azure membership table '{table.Name}') refused this client's connection: {refused.TlsProblem}.", failure);
        }

        if (diagnoses.All(d => !d.Listens))
        {
            return new IOException($"No SENet silo of cluster '{clusterId}' answered: its Azure membership table '{table.Name}' lists active gateways at {string.Join(", ", diagnoses.Select(d => d.Gateway))}, " +
                "but nothing accepts connections there from this machine. A silo that died stays listed as active until the others declare it dead (and a lone silo has no others); " +
                $"if the silos run, check that this machine can reach those addresses (SENet:Silo:AdvertisedAddress). {StartHint(clusterId)}", failure);
        }

        return failure;
    }

    private static string StartHint(string clusterId) =>
        $"Start a silo of this cluster with the same storage (SENet__Storage__ConnectionString): dotnet run -c Release --project src/Silo -- --SENet:Silo:Clustering=azure --SENet:Silo:ClusterId={clusterId}; or pass the right --cluster-id.";

    /// <summary>
    /// What every connection has: activity propagation, so a trace the caller starts (submit, evaluate) parents the
    /// job's spans on the silos; and TLS when the cluster uses it.
    /// </summary>
    private static void Configure(IClientBuilder client, X509Certificate2? tls)
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
