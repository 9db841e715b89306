using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using SENet.Grains.Jobs;

namespace SENet.Grains.Hosting;

/// <summary>
/// Job state in grain storage, always written with Orleans' own serializer: the job record's types are Orleans
/// serializable (surrogates included), not JSON-shaped. Orleans' default JSON storage serializer cannot read back a
/// dictionary keyed by tuples (the counts' confusions), which would leave a reactivated coordinator unable to load its job.
/// </summary>
public static class JobStorageExtensions
{
    /// <summary>
    /// Makes Orleans' binary serializer every grain-storage provider's default on this silo, so a provider added
    /// without one (a test's, or a future one) still round-trips the job record.
    /// </summary>
    public static ISiloBuilder UseOrleansStorageSerializer(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        return silo;
    }

    /// <summary>Job state in the silos' memory (development, the embedded default): lost with the silo that holds it.</summary>
    public static ISiloBuilder AddSenetMemoryJobStorage(this ISiloBuilder silo, int storageGrains = 10) =>
        silo.AddMemoryGrainStorage(StorageNames.Jobs, (OptionsBuilder<MemoryGrainStorageOptions> options) => options.Configure<Serializer>((o, serializer) =>
        {
            o.NumStorageGrains = storageGrains;
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));

    /// <summary>Job state in Azure Blob Storage.</summary>
    public static ISiloBuilder AddSenetBlobJobStorage(this ISiloBuilder silo, string connectionString) =>
        silo.AddSenetBlobJobStorage(() => new BlobServiceClient(connectionString));

    /// <summary>Job state in the account at <paramref name="accountUrl"/>, reached with a token (workload or managed identity).</summary>
    public static ISiloBuilder AddSenetBlobJobStorage(this ISiloBuilder silo, Uri accountUrl, Azure.Core.TokenCredential credential) =>
        silo.AddSenetBlobJobStorage(() => new BlobServiceClient(accountUrl, credential));

    private static ISiloBuilder AddSenetBlobJobStorage(this ISiloBuilder silo, Func<BlobServiceClient> client) =>
        silo.AddAzureBlobGrainStorage(StorageNames.Jobs, (OptionsBuilder<AzureBlobStorageOptions> options) => options.Configure<Serializer>((o, serializer) =>
        {
            o.BlobServiceClient = client();
            o.ContainerName = ContainerName;
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));

    public const string ContainerName = "senet-jobs";
}
