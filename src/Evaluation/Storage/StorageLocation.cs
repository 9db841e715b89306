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

        CheckBlobPath(location);
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

    /// <summary>
    /// The one form in which locations are compared (against an output root or the input roots): a blob location as
    /// the storage client will address it (scheme, host, port and account as <c>scheme://host:port/account</c>, then
    /// container and prefix, percent-decoded once, without query), a local path as the file system resolves it
    /// (<see cref="LocalFiles.Canonical"/>). Blob forms start with a scheme, so the two kinds never compare equal.
    /// </summary>
    public static string Canonical(string location, StorageOptions options)
    {
        var parsed = Parse(location, options);
        if (!parsed.IsBlob)
        {
            return LocalFiles.Canonical(parsed.LocalPath);
        }

        var container = new UriBuilder(parsed.Container!.Uri) { Query = "", Fragment = "" }.Uri;
        var containerPath = string.Join('/', container.AbsolutePath.Trim('/').Split('/').SkipLast(1).Append(parsed.Container.Name));
        var account = $"{container.Scheme}://{container.Authority}".ToLowerInvariant();
        return $"{account}/{containerPath}/{parsed.Prefix}".TrimEnd('/');
    }

    /// <summary>Whether <paramref name="location"/> lies under <paramref name="root"/> (or is it, with <paramref name="orSame"/>), both in their canonical form.</summary>
    public static bool IsUnder(string location, string root, StorageOptions options, bool orSame)
    {
        var (candidate, parent) = (Canonical(location, options), Canonical(root, options));
        if (LooksLikeBlob(candidate) != LooksLikeBlob(parent))
        {
            return false;
        }

        return LooksLikeBlob(candidate)
            ? (orSame && candidate == parent) || candidate.StartsWith(parent + "/", StringComparison.Ordinal)
            : LocalFiles.IsWithin(candidate, parent, orSame);
    }

    /// <summary>Reads a whole text file at a local or blob location (labels, class lists), decoded by <see cref="TextFiles.Decode"/>.</summary>
    public static async Task<string> ReadTextAsync(string location, StorageOptions options, CancellationToken cancellationToken)
    {
        var parsed = Parse(location, options);
        if (!parsed.IsBlob)
        {
            return await TextFiles.ReadLocalAsync(parsed.LocalPath, cancellationToken);
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

    /// <summary>
    /// Refuses a blob location whose path the storage client would not take as written: '.' and '..' segments in any
    /// spelling ('%2E%2E', '.%2E', '..%2F..%2F', a backslash), which the URL resolves to another prefix or container;
    /// control characters; a fragment, which the client drops.
    /// </summary>
    private static void CheckBlobPath(string location)
    {
        var query = location.IndexOf('?');
        var withoutQuery = query < 0 ? location : location[..query];
        if (withoutQuery.Contains('#'))
        {
            throw new ArgumentException($"'{Redact(location)}' has a fragment ('#'): a blob location is scheme://account/container/prefix, optionally with a SAS query.");
        }

        var scheme = withoutQuery.IndexOf("://", StringComparison.Ordinal) + 3;
        var raw = withoutQuery[scheme..];
        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(raw);
        }
        catch (UriFormatException)
        {
            decoded = raw;
        }

        if (BlobNames.HasDotSegment(raw) || BlobNames.HasDotSegment(decoded))
        {
            throw new ArgumentException($"'{Redact(location)}' has a '.' or '..' segment (perhaps percent-encoded, as %2E%2E, or across an encoded '/' or '\\'), " +
                "which the storage client would resolve to another prefix or container. Name the container and prefix without them.");
        }

        if (BlobNames.HasControlCharacter(decoded))
        {
            throw new ArgumentException($"'{Redact(location)}' has a control character in its path (perhaps percent-encoded): remove it.");
        }
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
