using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using SENet.Contracts.Jobs;
using SENet.Grains.Jobs;

namespace SENet.Cluster.Tests;

/// <summary>The job's durable state alone: a small record as the commit point, the shard table in partitions written in bulk.</summary>
public sealed class JobStateStoreTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static (JobStateStore Store, JobRecord Job, List<ShardRecord> Shards) NewJob(SharedJobStorage storage, GrainId grain, int shards, int partitionSize = 4, int overlayLimit = 3)
    {
        var store = new JobStateStore(storage.For(Serializer), grain, partitionSize, overlayLimit);
        var job = new JobRecord { Spec = new JobSpec { ModelPath = "m.onnx", DataPath = "data" }, State = JobState.Running };
        return (store, job, [.. Enumerable.Range(0, shards).Select(i => new ShardRecord { Id = i, Images = 7 })]);
    }

    private static Task<(JobRecord Head, List<ShardRecord> Shards)> LoadAsync(SharedJobStorage storage, GrainId grain) =>
        new JobStateStore(storage.For(Serializer), grain).LoadAsync();

    private static void Merge(JobStateStore store, ShardRecord shard)
    {
        shard.Merged = true;
        shard.MergedLease = Guid.NewGuid();
        store.Changed(shard.Id);
    }

    [Fact]
    public void AWorkersNameIsWrittenOnceHoweverManyLeasesItHoldsWhenTheyShareItsString()
    {
        // The coordinator interns worker names, so its tally, its leases and its shards' timings hold one string.
        var worker = string.Concat("127.0.0.1:11111@123456789", "|cuda:", "17");
        JobRecord Record(Func<string> name) => new()
        {
            Workers = new() { [worker] = new WorkerTally { Device = "cuda:17" } },
            Leases = [.. Enumerable.Range(0, 1_000).Select(i => new LeaseHolder(Guid.NewGuid(), i, name(), false, null))],
        };

        var shared = Serializer.SerializeToArray(Record(() => worker));
        var copies = Serializer.SerializeToArray(Record(() => new string(worker.AsSpan())));

        // Each copy costs its ~35 characters again; a shared string costs a reference of a few bytes.
        Assert.True(copies.Length - shared.Length > 1_000 * (worker.Length - 8), $"{shared.Length} bytes shared, {copies.Length} bytes with copies");
        var loaded = Serializer.Deserialize<JobRecord>(shared)!;
        Assert.All(loaded.Leases, l => Assert.Equal(worker, l.Worker));
        Assert.Equal(Enumerable.Range(0, 1_000), loaded.Leases.Select(l => l.ShardId));
    }

    [Fact]
    public async Task ARowCommittedOnlyInTheRecordIsLoadedOverItsPartition()
    {
        var storage = new SharedJobStorage();
        var grain = GrainId.Create("evaluationjob", "overlay");
        var (store, job, shards) = NewJob(storage, grain, 10);
        await store.WriteNewAsync(job, shards);

        Merge(store, shards[5]);
        await store.WriteAsync(overlay => job.Snapshot(overlay, [new LeaseHolder(Guid.NewGuid(), 6, "w", false, null)]), shards);

        Assert.Equal(1, store.Unflushed);
        Assert.Equal(3, store.PartitionWrites);
        var (head, loaded) = await LoadAsync(storage, grain);
        Assert.Equal(10, loaded.Count);
        Assert.Equal([5], loaded.Where(s => s.Merged).Select(s => s.Id));
        Assert.Equal(shards[5].MergedLease, loaded[5].MergedLease);
        Assert.Equal(6, Assert.Single(head.Leases).ShardId);
    }

    [Fact]
    public async Task PartitionsAreWrittenOnceEnoughRowsWaitOnlyThoseWithChanges()
    {
        var storage = new SharedJobStorage();
        var grain = GrainId.Create("evaluationjob", "flush");
        var (store, job, shards) = NewJob(storage, grain, 12);
        await store.WriteNewAsync(job, shards);

        foreach (var id in new[] { 1, 2, 9 })
        {
            Merge(store, shards[id]);
        }

        await store.WriteAsync(overlay => job.Snapshot(overlay, []), shards);

        Assert.Equal(0, store.Unflushed);
        Assert.Equal(3 + 2, store.PartitionWrites);
        var (head, loaded) = await LoadAsync(storage, grain);
        Assert.Empty(head.Overlay);
        Assert.Equal([1, 2, 9], loaded.Where(s => s.Merged).Select(s => s.Id));
    }

    [Fact]
    public async Task ACommitWritesTheSameBytesWhateverTheNumberOfShards()
    {
        async Task<long> BytesOfOneCompletionAsync(int shardCount)
        {
            var storage = new SharedJobStorage();
            var (store, job, shards) = NewJob(storage, GrainId.Create("evaluationjob", $"size-{shardCount}"), shardCount, partitionSize: 1024, overlayLimit: 512);
            await store.WriteNewAsync(job, shards);
            var before = storage.BytesWritten;
            Merge(store, shards[500]);
            await store.WriteAsync(overlay => job.Snapshot(overlay, []), shards);
            return storage.BytesWritten - before;
        }

        // Shard counts whose numbers take as many bytes (the serializer writes integers in variable length).
        Assert.Equal(await BytesOfOneCompletionAsync(20_000), await BytesOfOneCompletionAsync(1_000_000));
    }

    [Fact]
    public async Task PartitionWritesThatFailAfterTheRecordLoseNothing()
    {
        var storage = new SharedJobStorage();
        var grain = GrainId.Create("evaluationjob", "partition-failure");
        var (store, job, shards) = NewJob(storage, grain, 12);
        await store.WriteNewAsync(job, shards);
        storage.PartitionWritesFail = true;

        foreach (var id in new[] { 0, 4, 8 })
        {
            Merge(store, shards[id]);
        }

        await Assert.ThrowsAsync<OrleansException>(() => store.WriteAsync(overlay => job.Snapshot(overlay, []), shards));

        Assert.Equal(3, store.Unflushed);
        var (_, loaded) = await LoadAsync(storage, grain);
        Assert.Equal([0, 4, 8], loaded.Where(s => s.Merged).Select(s => s.Id));
    }
}
