using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace SENet.Evaluation.Storage;

/// <summary>
/// A dataset, model or label location: a local path, <c>https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX</c>
/// (optionally with a SAS), a path-style endpoint such as Azurite's <c>http://127.0.0.1:10000/ACCOUNT/CONTAINER/PREFIX</c>,
/// or <c>az://CONTAINER/PREFIX</c> against the configured account.
/// </summary>
public sealed record StorageLocation(BlobContainerClient? Container, string Prefix, string LocalPath, string Display)
{
    public bool IsBlob => Container is not null;

    public static bool LooksLikeBlob(string location) =>
        location.StartsWith("az://", StringComparison.OrdinalIgnoreCase)
        || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || location.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    public static StorageLocation Parse(string location, StorageOptions options)
    {
        if (!LooksLikeBlob(location))
        {
            var full = Path.GetFullPath(location);
            return new StorageLocation(null, "", full, full);
        }

        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Delay = TimeSpan.FromSeconds(0.5);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(10);
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);

        if (location.StartsWith("az://", StringComparison.OrdinalIgnoreCase))
        {
            var (container, prefix) = SplitContainer(location["az://".Length..], location);
            var service = options.ConnectionString is { Length: > 0 } cs
                ? new BlobServiceClient(cs, clientOptions)
                : new BlobServiceClient(new Uri(options.AccountUrl ?? throw new ArgumentException(
                    $"'{location}' names no account: set SENet:Storage:ConnectionString or SENet:Storage:AccountUrl, or pass the full https:// URL.")), new DefaultAzureCredential(), clientOptions);
            return Blob(service.GetBlobContainerClient(container), prefix);
        }

        var uri = new Uri(location);
        var pathStyle = !uri.Host.Contains(".blob.", StringComparison.OrdinalIgnoreCase);
        var accountSegments = pathStyle ? 1 : 0;
        var parts = uri.AbsolutePath.Trim('/').Split('/');
        if (parts.Length <= accountSegments || parts[accountSegments].Length == 0)
        {
            throw new ArgumentException($"'{Redact(location)}' names no container: use https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX.");
        }

        var containerName = Uri.UnescapeDataString(parts[accountSegments]);
        var blobPrefix = Uri.UnescapeDataString(string.Join('/', parts.Skip(accountSegments + 1)));
        var containerUri = new UriBuilder(uri) { Path = string.Join('/', parts.Take(accountSegments + 1)), Query = "" }.Uri;
        BlobContainerClient client;
        if (!string.IsNullOrEmpty(uri.Query))
        {
            client = new BlobContainerClient(new UriBuilder(containerUri) { Query = uri.Query.TrimStart('?') }.Uri, clientOptions);
        }
        else if (options.ConnectionString is { Length: > 0 } connectionString
            && new BlobServiceClient(connectionString, clientOptions) is var configured && SameAccount(configured.Uri, containerUri, accountSegments))
        {
            client = configured.GetBlobContainerClient(containerName);
        }
        else if (containerUri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"'{Redact(location)}' has no SAS and is not the account of SENet:Storage:ConnectionString, and an identity " +
                "(DefaultAzureCredential) is only sent over https: add a SAS to the URL or set the connection string of that account.");
        }
        else
        {
            client = new BlobContainerClient(containerUri, new DefaultAzureCredential(), clientOptions);
        }

        return Blob(client, blobPrefix);
    }

    /// <summary>Reads a whole text file at a local or blob location (labels, class lists).</summary>
    public static async Task<string> ReadTextAsync(string location, StorageOptions options, CancellationToken cancellationToken)
    {
        var parsed = Parse(location, options);
        if (!parsed.IsBlob)
        {
            return await File.ReadAllTextAsync(parsed.LocalPath, cancellationToken);
        }

        var name = parsed.Prefix;
        var slash = name.LastIndexOf('/');
        var source = new BlobDatasetSource(parsed.Container!, slash < 0 ? "" : name[..slash], parsed.Display);
        return await source.ReadTextAsync(slash < 0 ? name : name[(slash + 1)..], cancellationToken);
    }

    /// <summary>The location of <paramref name="fileName"/> in the same folder or prefix as <paramref name="location"/>.</summary>
    public static string Sibling(string location, string fileName)
    {
        var query = location.IndexOf('?');
        var path = query < 0 ? location : location[..query];
        var slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf(Path.DirectorySeparatorChar));
        var sibling = slash < 0 ? fileName : path[..(slash + 1)] + fileName;
        return query < 0 ? sibling : sibling + location[query..];
    }

    /// <summary>A location as it may be shown: the URL without its query (a SAS signature is a secret).</summary>
    public static string Redact(string location)
    {
        var query = location.IndexOf('?');
        return query < 0 ? location : location[..query] + "?<redacted>";
    }

    /// <summary>Whether a connection string's account is the one a URL names: its key is no credential for any other.</summary>
    private static bool SameAccount(Uri configuredAccount, Uri containerUri, int accountSegments)
    {
        var account = new UriBuilder(containerUri)
        {
            Path = string.Join('/', containerUri.AbsolutePath.Trim('/').Split('/').Take(accountSegments)),
        }.Uri;
        return string.Equals(configuredAccount.GetLeftPart(UriPartial.Path).TrimEnd('/'), account.GetLeftPart(UriPartial.Path).TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
    }

    private static StorageLocation Blob(BlobContainerClient container, string prefix)
    {
        var clean = prefix.Trim('/');
        var display = $"{new UriBuilder(container.Uri) { Query = "" }.Uri.ToString().TrimEnd('/')}/{clean}".TrimEnd('/');
        return new StorageLocation(container, clean, "", display);
    }

    private static (string Container, string Prefix) SplitContainer(string rest, string location)
    {
        var parts = rest.Split('/', 2);
        if (parts[0].Length == 0)
        {
            throw new ArgumentException($"'{location}' names no container: use az://CONTAINER/PREFIX.");
        }

        return (parts[0], parts.Length > 1 ? parts[1] : "");
    }
}
