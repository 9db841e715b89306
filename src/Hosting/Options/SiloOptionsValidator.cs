using System.Net;
using Microsoft.Extensions.Options;
using SENet.Evaluation.Storage;

namespace SENet.Silo.Hosting;

/// <summary>Refuses <c>SENet:Silo</c> settings a silo cannot run with, naming the key and what is allowed.</summary>
public sealed class SiloOptionsValidator(IOptions<StorageOptions> storage) : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        var failures = new List<string>();
        var azure = string.Equals(options.Clustering, "azure", StringComparison.OrdinalIgnoreCase);
        if (!azure && !string.Equals(options.Clustering, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Clustering '{options.Clustering}' is unknown: use 'localhost' or 'azure' ({SiloOptions.Section}:Clustering).");
        }

        if (azure && string.IsNullOrWhiteSpace(storage.Value.ConnectionString) && string.IsNullOrWhiteSpace(storage.Value.AccountUrl))
        {
            failures.Add(
                "Azure clustering needs SENet:Storage:ConnectionString (environment SENet__Storage__ConnectionString), or SENet:Storage:AccountUrl " +
                "(https://ACCOUNT.blob.core.windows.net) with a workload or managed identity allowed to use the account's blobs and tables.");
        }

        if (options.Kubernetes && !azure)
        {
            failures.Add("SENet:Silo:Kubernetes needs SENet:Silo:Clustering=azure: pods of a Kubernetes cluster cannot share localhost clustering.");
        }

        foreach (var (key, port) in new (string, int?)[] { ("SiloPort", options.SiloPort), ("GatewayPort", options.GatewayPort), ("PrimarySiloPort", options.PrimarySiloPort) })
        {
            if (port is { } number && number is < 1 or > 65535)
            {
                failures.Add($"{SiloOptions.Section}:{key}={number} is not a port: use 1 to 65535.");
            }
        }

        if (options.AdvertisedAddress is { Length: > 0 } address && !IPAddress.TryParse(address, out _))
        {
            failures.Add($"{SiloOptions.Section}:AdvertisedAddress '{address}' is not an IP address (e.g. 10.0.0.4): other silos and clients reach this one there.");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId) || string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add($"{SiloOptions.Section}:ClusterId and {SiloOptions.Section}:ServiceId must not be empty (clients pass the same with --cluster-id and --service-id).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
