using Orleans.Storage;
using SENet.Client.Benchmarks.Coordinator;
using SENet.Grains.Jobs;

namespace SENet.Client.Tests.Benchmarks;

/// <summary>The coordinator benchmark's memory figures: what job storage holds, and the grain's per-shard structures measured alone.</summary>
public sealed class CoordinatorMemoryFiguresTests
{
    [Fact]
    public void StorageHoldsTheLatestWriteOfEachStateOnly()
    {
        var serializer = new CountingStorageSerializer(new LengthSerializer());
        var partition0 = new ShardPartition { Shards = [new ShardRecord { Id = 0 }, new ShardRecord { Id = 1 }] };
        var partition1 = new ShardPartition { Shards = [new ShardRecord { Id = 2 }] };

        serializer.Serialize(new JobRecord { ModelName = new string('m', 100) });
        serializer.Serialize(partition0);
        serializer.Serialize(partition1);
        serializer.Serialize(new JobRecord { ModelName = new string('m', 10) });
        serializer.Serialize(partition0);

        // Every write counts towards what was written; only the last of each state towards what is held.
        Assert.Equal(LengthSerializer.Length(100) + LengthSerializer.Length(10) + 2 * 2 * LengthSerializer.Row + LengthSerializer.Row, serializer.Bytes);
        Assert.Equal(LengthSerializer.Length(10) + 2 * LengthSerializer.Row + LengthSerializer.Row, serializer.HeldBytes);
    }

    [Fact]
    public void TheShardTableIsBuiltAsAFinishedJobLeavesIt()
    {
        var table = ShardTableMemory.Build(1_000, 7, out var scheduler);

        Assert.Equal(Enumerable.Range(0, 1_000), table.Select(s => s.Id));
        Assert.All(table, s => Assert.True(s is { Merged: true, MergedLease: not null, Timing: not null, Attempts: 1 }));
        Assert.Equal(7, table.Select(s => s.Timing!.Worker).Distinct().Count());
        // The scheduler was started before the rows were merged: its queue holds every shard, as at the job's start.
        Assert.Equal(1_000, scheduler.Pending);
    }

    [Fact]
    public void AShardCostsAtLeastItsRowAndTimingAndTheFigureGrowsWithShards()
    {
        var small = ShardTableMemory.MeasureBytes(10_000, 100);
        var large = ShardTableMemory.MeasureBytes(100_000, 100);

        // A row is an object of more than 64 bytes (five ints, a flag, two nullable Guids, two references) and its
        // timing another of at least 48: each shard holds more than 112 bytes, and ten times the shards hold more.
        Assert.True(large > 100_000 * 112L, $"{large} bytes for 100,000 shards");
        Assert.True(large > 5 * small, $"{small} bytes for 10,000 shards, {large} for 100,000");
    }

    /// <summary>A serializer whose output length is known: a record is its model name's length, a partition 10 bytes a row.</summary>
    private sealed class LengthSerializer : IGrainStorageSerializer
    {
        public const int Row = 10;

        public static long Length(int name) => name;

        public BinaryData Serialize<T>(T? input) => new(new byte[input switch
        {
            JobRecord job => job.ModelName.Length,
            ShardPartition partition => partition.Shards.Count * Row,
            _ => 1,
        }]);

        public T? Deserialize<T>(BinaryData input) => default;
    }
}
