using System.Globalization;
using Azure.Data.Tables;

namespace SENet.Client.Cluster;

/// <summary>
/// Reads the membership table that Orleans' Azure Table clustering keeps: partitioned by cluster id, one row per silo
/// incarnation (its Address, ProxyPort, the gateway port or 0 for none, and Status) next to rows that keep the table's
/// version. Its gateways are those Orleans' own gateway list takes: active silos with a gateway port. Read only to
/// explain a connection that failed; Orleans itself connects.
/// </summary>
public static class AzureMembershipTable
{
    private const string Active = "Active";

    /// <summary>Enough to name a mistyped cluster id without reading a whole table of old clusters.</summary>
    private const int MaxRowsForOtherClusters = 1000;

    public static async Task<MembershipListing> ReadAsync(TableClient table, string clusterId, CancellationToken cancellationToken)
    {
        var gateways = new List<GatewayAddress>();
        var inactive = new SortedDictionary<string, int>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {clusterId}"), select: ["Address", "ProxyPort", "Status"], cancellationToken: cancellationToken))
        {
            // Rows without a status keep the table's version (Orleans 10 writes "!Start" and "~End"), they are no silo.
            if (row.GetString("Status") is not { } status)
            {
                continue;
            }

            if (status == Active
                && int.TryParse(row.GetString("ProxyPort"), NumberStyles.None, CultureInfo.InvariantCulture, out var proxyPort) && proxyPort > 0
                && row.GetString("Address") is { Length: > 0 } address)
            {
                gateways.Add(new GatewayAddress(address, proxyPort));
            }
            else
            {
                inactive[status] = inactive.GetValueOrDefault(status) + 1;
            }
        }

        var others = new SortedSet<string>(StringComparer.Ordinal);
        var read = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey ne {clusterId} and Status eq {Active}"), select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            others.Add(row.PartitionKey);
            if (++read >= MaxRowsForOtherClusters)
            {
                break;
            }
        }

        return new MembershipListing(gateways, inactive, [.. others]);
    }
}
