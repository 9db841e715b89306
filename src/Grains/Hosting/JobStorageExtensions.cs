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
        silo.AddAzureBlobGrainStorage(StorageNames.Jobs, (OptionsBuilder<AzureBlobStorageOptions> options) => options.Configure<Serializer>((o, serializer) =>
        {
            o.BlobServiceClient = new BlobServiceClient(connectionString);
            o.ContainerName = "senet-jobs";
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
}
