using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using SENet.Grains.Jobs;

namespace SENet.Grains.Hosting;

public static class JobStorageExtensions
{
    /// <summary>
    /// Job state in Azure Blob Storage, written with Orleans' own serializer: the job record's types are Orleans
    /// serializable (surrogates included), not JSON-shaped.
    /// </summary>
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
