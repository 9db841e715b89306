using System.Diagnostics;
using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using SENet.Evaluation.Storage;

namespace SENet.Client.Benchmarks.Coordinator;

/// <summary>
/// A real ImageFolder dataset in blob storage for <c>senet bench --coordinator --listing blob</c>: the names of a
/// <see cref="SyntheticListingSource"/> of the same size, each a tiny blob, under <c>images/</c> in a container named
/// after its size. Uploaded once (bounded concurrency, idempotent overwrites) and marked complete by a blob outside the
/// dataset; a later run that finds the mark plans the same blobs without uploading. Workers stay simulated: no blob is read.
/// </summary>
public static class BlobListing
{
    /// <summary>Uploads in flight: Azurite answers ~1,500 tiny uploads/s here with 32, and more only queue.</summary>
    public const int UploadsInFlight = 32;

    private const string Prefix = "images";
    private const string CompleteMark = "complete.txt";

    /// <summary>A few bytes of a JPEG's start: the bench never reads them, a stray decoder would fail them loudly.</summary>
    private static readonly BinaryData Content = BinaryData.FromBytes([0xFF, 0xD8, 0xFF]);

    /// <summary>The container of a listing of <paramref name="images"/> entries over <paramref name="classes"/> classes.</summary>
    public static string ContainerName(long images, int classes) => string.Create(CultureInfo.InvariantCulture, $"senet-bench-listing-{images}-{classes}");

    /// <summary>The dataset's location (the container's <c>images</c> prefix), its blobs uploaded by this call when no earlier one completed them.</summary>
    public static async Task<BlobListingReady> EnsureAsync(StorageOptions storage, long images, int classes, TextWriter progress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            throw new ArgumentException("senet bench --coordinator --listing blob uploads its dataset to the account of SENet__Storage__ConnectionString (e.g. an Azurite started with --skipApiVersionCheck); it is not set.");
        }

        var container = new BlobServiceClient(storage.ConnectionString).GetBlobContainerClient(ContainerName(images, classes));
        var location = $"{container.Uri.ToString().TrimEnd('/')}/{Prefix}";
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var mark = container.GetBlobClient(CompleteMark);
        if (await mark.ExistsAsync(cancellationToken))
        {
            progress.WriteLine($"bench: {images:N0} blobs in {classes} class folders already in container {container.Name}: planning from them");
            return new BlobListingReady(location, container.Name, Uploaded: 0, UploadSeconds: 0);
        }

        progress.WriteLine($"bench: uploading {images:N0} blobs in {classes} class folders to container {container.Name} ({UploadsInFlight} in flight; once: later runs reuse them)");
        var clock = Stopwatch.StartNew();
        var names = new SyntheticListingSource(images, classes).ListFilesAsync("", cancellationToken);
        long uploaded = 0;
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = UploadsInFlight, CancellationToken = cancellationToken }, async (name, ct) =>
        {
            // Overwrites: a run stopped midway is completed by the next, whatever it had uploaded.
            await container.GetBlobClient($"{Prefix}/{name}").UploadAsync(Content, overwrite: true, ct);
            if (Interlocked.Increment(ref uploaded) % 100_000 == 0)
            {
                progress.WriteLine($"bench: {uploaded:N0} blobs uploaded ({uploaded / clock.Elapsed.TotalSeconds:N0}/s)");
            }
        });
        var seconds = clock.Elapsed.TotalSeconds;
        await mark.UploadAsync(BinaryData.FromString(string.Create(CultureInfo.InvariantCulture, $"{images} blobs under {Prefix}/ in {classes} class folders\n")), overwrite: true, cancellationToken);
        progress.WriteLine($"bench: uploaded {uploaded:N0} blobs in {seconds:F1} s ({uploaded / Math.Max(1e-9, seconds):N0}/s)");
        return new BlobListingReady(location, container.Name, uploaded, seconds);
    }

    /// <summary>Deletes a listing's container (tests; a bench run keeps it for the next).</summary>
    public static async Task DeleteAsync(StorageOptions storage, long images, int classes)
    {
        try
        {
            await new BlobServiceClient(storage.ConnectionString).GetBlobContainerClient(ContainerName(images, classes)).DeleteIfExistsAsync();
        }
        catch (RequestFailedException)
        {
            // Already gone, or the account with it.
        }
    }
}
