using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;
using SENet.Grains.Jobs;

namespace SENet.Cluster.Tests;

/// <summary>The job's durable state alone: a small record as the commit point, the shard table in partitions written in bulk.</summary>
public sealed class JobStateStoreTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static (JobStateStore Store, JobRecord Job, List<ShardRecord> Shards) NewJob(SharedJobStorage storage, GrainId grain, int shards, int partitionSize = 4, int overlayLimit = 3, int logSlots = JobStateStore.DefaultLogSlots)
    {
        var store = new JobStateStore(storage.For(Serializer), grain, partitionSize, overlayLimit, logSlots);
        var job = new JobRecord { Spec = new JobSpec { ModelPath = "m.onnx", DataPath = "data" }, State = JobState.Running };
        return (store, job, [.. Enumerable.Range(0, shards).Select(i => new ShardRecord { Id = i, Images = 7 })]);
    }

    private static Task<(JobRecord Head, List<ShardRecord> Shards)> LoadAsync(SharedJobStorage storage, GrainId grain) =>
        new JobStateStore(storage.For(Serializer), grain).LoadAsync();

    /// <summary>One commit as the coordinator makes it: the record without leases and tallies, which the store adds.</summary>
    private static Task CommitAsync(JobStateStore store, JobRecord job, List<ShardRecord> shards, IReadOnlyCollection<ActiveLease>? leases = null) =>
        store.WriteAsync(overlay => job.Snapshot(overlay, [], withWorkers: false), shards, leases ?? [], job.Workers);

    private static ActiveLease Lease(int shard, string worker) => new(Guid.NewGuid(), shard, worker, false, DateTime.UtcNow, DateTime.UtcNow.AddMinutes(1));

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
        await CommitAsync(store, job, shards, [Lease(6, "w")]);

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

        await CommitAsync(store, job, shards);

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
            await CommitAsync(store, job, shards);
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

        await Assert.ThrowsAsync<OrleansException>(() => CommitAsync(store, job, shards));

        Assert.Equal(3, store.Unflushed);
        var (_, loaded) = await LoadAsync(storage, grain);
        Assert.Equal([0, 4, 8], loaded.Where(s => s.Merged).Select(s => s.Id));
    }

    /// <summary>What a load must give back: every row, lease and tally, and the record's figures.</summary>
    private static void AssertLoadedEquals(JobRecord job, List<ShardRecord> shards, IReadOnlyCollection<ActiveLease> leases, JobRecord head, List<ShardRecord> loaded)
    {
        Assert.Equal(shards.Select(r => (r.Id, r.Images, r.Merged, r.MergedLease, r.Attempts, r.Failures)), loaded.Select(r => (r.Id, r.Images, r.Merged, r.MergedLease, r.Attempts, r.Failures)));
        Assert.Equal(leases.Select(l => (l.LeaseId, l.ShardId, l.Worker)).OrderBy(l => l.LeaseId), head.Leases.Select(l => (l.LeaseId, l.ShardId, l.Worker)).OrderBy(l => l.LeaseId));
        Assert.Equal(job.Workers.Select(w => (w.Key, w.Value.Images, w.Value.Shards, w.Value.LastError, w.Value.Stopped)).OrderBy(w => w.Key, StringComparer.Ordinal),
            head.Workers.Select(w => (w.Key, w.Value.Images, w.Value.Shards, w.Value.LastError, w.Value.Stopped)).OrderBy(w => w.Key, StringComparer.Ordinal));
        Assert.Equal((job.TotalImages, job.ShardsRetried, job.State, job.ShardCount), (head.TotalImages, head.ShardsRetried, head.State, head.ShardCount));
        Assert.Equal(job.ClassNames, head.ClassNames);
        Assert.Equal(job.Failures.Select(f => f.ImageId), head.Failures.Select(f => f.ImageId));
    }

    [Fact]
    public async Task LoadingAfterLogEntriesAndCheckpointsGivesTheStateInMemory()
    {
        // Four slots: a checkpoint every fifth commit, so the loads below land on checkpoints, on entries after one, and
        // across the ring's reuse of its slots; three changed rows flush partitions now and then.
        var storage = new SharedJobStorage();
        var grain = GrainId.Create("evaluationjob", "log");
        var (store, job, shards) = NewJob(storage, grain, 40, logSlots: 4);
        job.ClassNames = ["cat", "dog"];
        await store.WriteNewAsync(job, shards);
        var random = new Random(11);
        var leases = new List<ActiveLease>();
        for (var commit = 0; commit < 30; commit++)
        {
            // A few completions: the lease ends, the shard merges, its worker's tally moves on; a few new leases.
            foreach (var lease in leases.Where(_ => random.Next(3) == 0).ToList())
            {
                leases.Remove(lease);
                Merge(store, shards[lease.ShardId]);
                var tally = job.Workers.TryGetValue(lease.Worker, out var known) ? known : job.Workers[lease.Worker] = new WorkerTally { Device = "cuda:0" };
                tally.Images += 7;
                tally.Shards++;
            }

            for (var added = random.Next(4); added > 0; added--)
            {
                var shard = shards[random.Next(shards.Count)];
                shard.Attempts++;
                store.Changed(shard.Id);
                leases.Add(Lease(shard.Id, $"w{random.Next(5)}"));
            }

            job.TotalImages += commit;
            job.ShardsRetried = commit / 3;
            if (commit == 12)
            {
                job.ClassNames = ["cat", "dog", "eel"];
                job.Failures.Add(new ImageFailure("bad.jpg", "dataset", "unreadable"));
                job.Workers["w0"] = new WorkerTally { Device = "cuda:0", LastError = "out of memory", Stopped = true };
            }

            await CommitAsync(store, job, shards, leases);
            var (head, loaded) = await LoadAsync(storage, grain);
            AssertLoadedEquals(job, shards, leases, head, loaded);
        }

        Assert.True(store.Checkpoints >= 6 && store.LogEntries >= 20, $"{store.Checkpoints} checkpoints, {store.LogEntries} entries");
    }

    [Fact]
    public async Task ACommitThatNeverLandedLeavesTheWriteBeforeItAndTheNextIsACheckpoint()
    {
        var storage = new SharedJobStorage();
        var grain = GrainId.Create("evaluationjob", "torn");
        var (store, job, shards) = NewJob(storage, grain, 12, overlayLimit: 100, logSlots: 4);
        await store.WriteNewAsync(job, shards);
        var leases = new List<ActiveLease> { Lease(0, "w"), Lease(1, "w") };
        await CommitAsync(store, job, shards, leases);
        var stored = (Job: job.Snapshot([], []), Shards: shards.Select(r => r.Clone()).ToList(), Leases: leases.ToList());

        // A completion whose entry dies with its process: the load is the write before it.
        leases.RemoveAt(0);
        Merge(store, shards[0]);
        job.Workers["w"] = new WorkerTally { Images = 7, Shards = 1 };
        storage.HoldRecordWrites();
        var dying = CommitAsync(store, job, shards, leases);
        await storage.WaitForHeldWriteAsync();
        storage.DropHeldWrites();
        await Assert.ThrowsAsync<OrleansException>(() => dying);
        var (head, loaded) = await LoadAsync(storage, grain);
        AssertLoadedEquals(stored.Job, stored.Shards, stored.Leases, head, loaded);

        // The same store goes on: its next write is a whole checkpoint, then entries again.
        var checkpoints = store.Checkpoints;
        await CommitAsync(store, job, shards, leases);
        Assert.Equal(checkpoints + 1, store.Checkpoints);
        leases.Add(Lease(5, "v"));
        await CommitAsync(store, job, shards, leases);
        (head, loaded) = await LoadAsync(storage, grain);
        AssertLoadedEquals(job, shards, leases, head, loaded);
    }

    [Fact]
    public async Task EntriesOfAnEarlierJobOrAnEarlierRoundOfTheRingAreNotApplied()
    {
        var storage = new SharedJobStorage();
        var grain = GrainId.Create("evaluationjob", "stale");
        var (first, job, shards) = NewJob(storage, grain, 8, overlayLimit: 100, logSlots: 4);
        await first.WriteNewAsync(job, shards);
        for (var id = 0; id < 4; id++)
        {
            // Entries 2 to 4 fill slots 2, 3 and 0; the fifth commit is the checkpoint of 5.
            Merge(first, shards[id]);
            await CommitAsync(first, job, shards);
        }

        var (head, loaded) = await LoadAsync(storage, grain);
        Assert.Equal([0, 1, 2, 3], loaded.Where(r => r.Merged).Select(r => r.Id));

        // A new job under the same id (its record lost, as a dead silo's memory storage loses it): it starts from
        // sequence 1 and its log id is new, so the slots the first job left behind are not taken for its entries.
        var (second, fresh, freshShards) = NewJob(storage, grain, 8, overlayLimit: 100, logSlots: 4);
        await second.WriteNewAsync(fresh, freshShards);
        (head, loaded) = await LoadAsync(storage, grain);
        Assert.DoesNotContain(loaded, r => r.Merged);
        Assert.Equal(8, loaded.Count);
    }

    [Fact]
    public async Task AnEntryCostsTheSameWhateverTheNumbersOfWorkersAndLeasesInFlight()
    {
        async Task<(long Entry, long Checkpoint)> BytesAsync(int workers)
        {
            var storage = new SharedJobStorage();
            var (store, job, shards) = NewJob(storage, GrainId.Create("evaluationjob", $"workers-{workers}"), 10_000, partitionSize: 1024, overlayLimit: 512);
            var names = Enumerable.Range(0, workers).Select(i => $"127.0.0.1:11111@1|cuda:{i:D5}").ToList();
            foreach (var name in names)
            {
                job.Workers[name] = new WorkerTally { Device = name[^10..], Images = 1_000, Shards = 4 };
            }

            var leases = Enumerable.Range(0, 2 * workers).Select(i => Lease(i, names[i % workers])).ToList();
            await store.WriteNewAsync(job, shards);
            var before = storage.BytesWritten;
            await CommitAsync(store, job, shards, leases);
            var checkpoint = storage.BytesWritten - before;

            // One completion: its lease ends, its shard merges, its worker's tally moves on, and the worker leases again.
            var done = leases[0];
            leases.RemoveAt(0);
            Merge(store, shards[done.ShardId]);
            job.Workers[done.Worker].Images += 256;
            job.Workers[done.Worker].Shards++;
            leases.Add(Lease(9_999, done.Worker));
            before = storage.BytesWritten;
            await CommitAsync(store, job, shards, leases);
            return (storage.BytesWritten - before, checkpoint);
        }

        var (small, smallCheckpoint) = await BytesAsync(10);
        var (large, largeCheckpoint) = await BytesAsync(1_000);
        Assert.Equal(small, large);
        // The checkpoint does grow with the cluster: that is what the entries between two checkpoints leave out.
        Assert.True(largeCheckpoint > 50 * large, $"checkpoint {largeCheckpoint} bytes, entry {large} bytes");
    }
}
