using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure;
using SENet.Evaluation.Storage;

namespace SENet.Grains.Devices;

/// <summary>
/// Models in blob storage are downloaded once per silo into a local cache keyed by the blob's content hash (MD5,
/// else ETag) and shared by every worker of the silo; a local path is used as it is.
/// </summary>
public sealed class ModelCache(StorageOptions storage)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _downloads = new();

    public string Folder { get; init; } = Path.Combine(Path.GetTempPath(), "senet-models");

    public async Task<string> ResolveAsync(string location, CancellationToken cancellationToken = default)
    {
        var parsed = StorageLocation.Parse(location, storage);
        if (!parsed.IsBlob)
        {
            return parsed.LocalPath;
        }

        var blob = parsed.Container!.GetBlobClient(parsed.Prefix);
        Azure.Storage.Blobs.Models.BlobProperties properties;
        try
        {
            properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 403)
        {
            throw new FileNotFoundException($"Model {parsed.Display} cannot be read ({e.Status} {e.ErrorCode}): check the location and the storage credentials.");
        }
        catch (Exception e) when (StorageErrors.IsStorageFailure(e))
        {
            throw StorageErrors.Translate(e, "model", parsed.Display);
        }

        var identity = properties.ContentHash is { Length: > 0 } md5 ? Convert.ToHexStringLower(md5) : properties.ETag.ToString();
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{parsed.Display}|{identity}")))[..32];
        var path = Path.Combine(Folder, $"{key}.onnx");
        var download = _downloads.GetOrAdd(key, _ => new Lazy<Task<string>>(async () =>
        {
            if (!File.Exists(path))
            {
                Directory.CreateDirectory(Folder);
                var partial = $"{path}.{Guid.NewGuid():N}.tmp";
                try
                {
                    await blob.DownloadToAsync(partial, cancellationToken);
                }
                catch (Exception e) when (StorageErrors.IsStorageFailure(e))
                {
                    File.Delete(partial);
                    throw StorageErrors.Translate(e, "model", parsed.Display);
                }
                File.Move(partial, path, overwrite: true);
            }

            return path;
        }));
        try
        {
            return await download.Value;
        }
        catch
        {
            _downloads.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(key, download));
            throw;
        }
    }
}
