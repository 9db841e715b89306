using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using SENet.Evaluation.Models;
using SENet.Evaluation.Storage;
using Microsoft.Extensions.Options;

namespace SENet.Grains.Devices;

/// <summary>
/// Models in blob storage are downloaded once per silo into a local cache folder keyed by the blob's content hash (MD5,
/// else ETag) and shared by every worker of the silo; a local path is used as it is. The model's external data files
/// are downloaded beside it, from beside the model blob, by validated relative names only. Sizes are checked against
/// <see cref="StorageOptions.MaxModelBytes"/> from Content-Length before any byte is downloaded.
/// </summary>
public sealed class ModelCache(IOptions<StorageOptions> storageOptions)
{
    private const string ModelFileName = "model.onnx";
    private readonly StorageOptions storage = storageOptions.Value;
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
        var properties = await PropertiesAsync(blob, parsed.Display, cancellationToken);
        ModelFiles.CheckSize(parsed.Display, properties.ContentLength, storage.MaxModelBytes);

        var identity = properties.ContentHash is { Length: > 0 } md5 ? Convert.ToHexStringLower(md5) : properties.ETag.ToString();
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{parsed.Display}|{identity}")))[..32];
        var folder = Path.Combine(Folder, key);
        var path = Path.Combine(folder, ModelFileName);
        var download = _downloads.GetOrAdd(key, _ => new Lazy<Task<string>>(async () =>
        {
            if (!File.Exists(path))
            {
                // Downloaded whole into a folder of its own, then moved into place: a silo never sees half a model.
                Directory.CreateDirectory(Folder);
                var partial = Path.Combine(Folder, $"{key}.{Guid.NewGuid():N}.tmp");
                try
                {
                    Directory.CreateDirectory(partial);
                    await DownloadAsync(blob, Path.Combine(partial, ModelFileName), parsed.Display, cancellationToken);
                    await DownloadExternalDataAsync(parsed, Path.Combine(partial, ModelFileName), properties.ContentLength, partial, cancellationToken);
                    try
                    {
                        Directory.Move(partial, folder);
                    }
                    catch (IOException) when (File.Exists(path))
                    {
                        // Another process of this silo's host finished the same download first.
                    }
                }
                finally
                {
                    if (Directory.Exists(partial))
                    {
                        Directory.Delete(partial, recursive: true);
                    }
                }
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

    /// <summary>Fetches each external data file the model names from beside the model blob; names that could leave its prefix are refused, never fetched.</summary>
    private async Task DownloadExternalDataAsync(StorageLocation model, string modelPath, long modelBytes, string folder, CancellationToken cancellationToken)
    {
        var proto = ModelInspector.Load(await ModelFiles.ReadAsync(modelPath, storage.MaxModelBytes, cancellationToken));
        var prefix = model.Prefix.Contains('/') ? model.Prefix[..(model.Prefix.LastIndexOf('/') + 1)] : "";
        var total = modelBytes;
        foreach (var location in ExternalData.Locations(proto))
        {
            ExternalData.CheckLocationText(location, problem => new ModelValidationException(
                $"The model {model.Display} keeps data in external file '{location}', which {problem}. External data must be a relative path inside the model's own folder or blob prefix."));
            var segments = location.Split('/', '\\').Where(s => s.Length > 0 && s != ".").ToArray();
            var blob = model.Container!.GetBlobClient(prefix + string.Join('/', segments));
            var display = $"{model.Display.Split('?')[0]} → {string.Join('/', segments)}";
            var properties = await PropertiesAsync(blob, display, cancellationToken);
            total += properties.ContentLength;
            ModelFiles.CheckSize(display, total, storage.MaxModelBytes, "The model with its external data");
            var target = Path.Combine([folder, .. segments]);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await DownloadAsync(blob, target, display, cancellationToken);
        }
    }

    private static async Task<Azure.Storage.Blobs.Models.BlobProperties> PropertiesAsync(BlobClient blob, string display, CancellationToken cancellationToken)
    {
        try
        {
            return (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 403)
        {
            throw new FileNotFoundException($"Model {display} cannot be read ({e.Status} {e.ErrorCode}): check the location and the storage credentials.");
        }
        catch (Exception e) when (StorageErrors.IsStorageFailure(e))
        {
            throw StorageErrors.Translate(e, "model", display);
        }
    }

    private static async Task DownloadAsync(BlobClient blob, string path, string display, CancellationToken cancellationToken)
    {
        try
        {
            await blob.DownloadToAsync(path, cancellationToken);
        }
        catch (Exception e) when (StorageErrors.IsStorageFailure(e))
        {
            throw StorageErrors.Translate(e, "model", display);
        }
    }
}
