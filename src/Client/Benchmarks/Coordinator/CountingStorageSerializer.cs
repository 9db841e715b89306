using System.Collections.Concurrent;
using Orleans.Storage;
using SENet.Grains.Jobs;

namespace SENet.Client.Benchmarks.Coordinator;

/// <summary>
/// The job storage provider's serializer, counting what it writes: every grain-storage write of the job record passes
/// through it once, whatever the provider (memory or blob), so the bytes are those the provider stores. It also keeps the
/// size of the latest write of each stored state (the record, each shard partition): what memory job storage holds in
/// this process, which the coordinator's own memory figure leaves out.
/// </summary>
public sealed class CountingStorageSerializer(IGrainStorageSerializer inner) : IGrainStorageSerializer
{
    private readonly ConcurrentDictionary<string, long> _latest = new();
    private readonly ConcurrentDictionary<string, (long Bytes, long Writes)> _byKind = new();
    private long _bytes;
    private long _writes;

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Bytes of the latest write of every state written: what a store that keeps one copy of each holds.</summary>
    public long HeldBytes => _latest.Values.Sum();

    public BinaryData Serialize<T>(T? input)
    {
        var data = inner.Serialize(input);
        var length = data.ToMemory().Length;
        Interlocked.Add(ref _bytes, length);
        Interlocked.Increment(ref _writes);
        _latest[StateKey(input)] = length;
        _byKind.AddOrUpdate(Kind(input), (length, 1), (_, sum) => (sum.Bytes + length, sum.Writes + 1));
        return data;
    }

    /// <summary>Bytes and writes by kind of stored state: job record checkpoints, log entries, shard partitions.</summary>
    public IReadOnlyDictionary<string, (long Bytes, long Writes)> ByKind => _byKind;

    public static string Kind<T>(T? input) => input switch
    {
        JobRecord => "record checkpoints",
        JobLogEntry => "log entries",
        ShardPartition => "shard partitions",
        _ => typeof(T).Name,
    };

    public T? Deserialize<T>(BinaryData input) => inner.Deserialize<T>(input);

    /// <summary>Which stored state a write replaces: a partition is named by its first shard (the serializer is not told the state's name).</summary>
    public static string StateKey<T>(T? input) => input switch
    {
        ShardPartition { Shards: [var first, ..] } => $"partition@{first.Id}",
        JobLogEntry entry => $"log@{entry.Seq % JobStateStore.DefaultLogSlots}",
        _ => typeof(T).FullName ?? typeof(T).Name,
    };
}
