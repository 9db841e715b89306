using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace SENet.Evaluation.Storage;

/// <summary>
/// Outputs under a blob prefix; a blob upload replaces the whole blob at once. Writes need only the rights of a
/// container SAS (create, write): the container is created only when a write finds it missing, since creating one
/// needs account-level rights that such a SAS does not carry.
/// </summary>
public sealed class BlobOutputStore(BlobContainerClient container, string prefix, string display) : IOutputStore
{
    public string Display => display;

    public async Task WriteAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var blob = Blob(name);
        try
        {
            try
            {
                await blob.UploadAsync(BinaryData.FromBytes(content), overwrite: true, cancellationToken);
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await blob.UploadAsync(BinaryData.FromBytes(content), overwrite: true, cancellationToken);
            }
        }
        catch (Exception e) when (StorageErrors.IsStorageFailure(e))
        {
            throw StorageErrors.Translate(e, name, display);
        }
        catch (Exception e) when (StorageErrors.IsInterruptedTransfer(e) && !cancellationToken.IsCancellationRequested)
        {
            throw StorageErrors.TranslateInterruptedTransfer(e, name, display);
        }
    }

    public async Task<byte[]> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await Blob(name).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (Exception e) when (StorageErrors.IsStorageFailure(e))
        {
            throw StorageErrors.Translate(e, name, display);
        }
        catch (Exception e) when (StorageErrors.IsInterruptedTransfer(e) && !cancellationToken.IsCancellationRequested)
        {
            throw StorageErrors.TranslateInterruptedTransfer(e, name, display);
        }
    }

    public async Task<bool> TryCreateAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var ifNone = new Azure.Storage.Blobs.Models.BlobUploadOptions { Conditions = new Azure.Storage.Blobs.Models.BlobRequestConditions { IfNoneMatch = Azure.ETag.All } };
        try
        {
            try
            {
                await Blob(name).UploadAsync(BinaryData.FromBytes(content), ifNone, cancellationToken);
            }
            catch (Azure.RequestFailedException e) when (e.ErrorCode == "ContainerNotFound")
            {
                // Only a missing container is created: a container-scoped SAS has no right to ask for one that exists.
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await Blob(name).UploadAsync(BinaryData.FromBytes(content), ifNone, cancellationToken);
            }

            return true;
        }
        catch (Azure.RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
        catch (Exception e) when (StorageErrors.IsStorageFailure(e))
        {
            throw StorageErrors.Translate(e, name, display);
        }
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await Blob(name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }
        catch (Exception e) when (StorageErrors.IsStorageFailure(e))
        {
            throw StorageErrors.Translate(e, name, display);
        }
    }

    public async Task DeleteFolderAsync(string folder, CancellationToken cancellationToken)
    {
        var under = Blob(folder).Name.TrimEnd('/') + "/";
        try
        {
            await foreach (var blob in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = under }, cancellationToken))
            {
                await container.GetBlobClient(blob.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
            }
        }
        catch (Exception e) when (StorageErrors.IsStorageFailure(e))
        {
            throw StorageErrors.Translate(e, folder, display);
        }
    }

    private BlobClient Blob(string name)
    {
        if (BlobNames.HasDotSegment(name))
        {
            throw new UnauthorizedAccessException($"Output '{name}' would leave the job's output prefix {display}.");
        }

        return container.GetBlobClient(prefix.Length == 0 ? name : $"{prefix}/{name}");
    }
}
