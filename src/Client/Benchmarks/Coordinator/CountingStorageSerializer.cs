using Orleans.Storage;

namespace SENet.Client.Benchmarks.Coordinator;

/// <summary>
/// The job storage provider's serializer, counting what it writes: every grain-storage write of the job record passes
/// through it once, whatever the provider (memory or blob), so the bytes are those the provider stores.
/// </summary>
public sealed class CountingStorageSerializer(IGrainStorageSerializer inner) : IGrainStorageSerializer
{
    private long _bytes;
    private long _writes;

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Writes => Interlocked.Read(ref _writes);

    public BinaryData Serialize<T>(T? input)
    {
        var data = inner.Serialize(input);
        Interlocked.Add(ref _bytes, data.ToMemory().Length);
        Interlocked.Increment(ref _writes);
        return data;
    }

    public T? Deserialize<T>(BinaryData input) => inner.Deserialize<T>(input);
}
