using Orleans.Storage;

namespace SENet.Grains.Jobs;

/// <summary>
/// A job's durable state, written at a cost that does not grow with the job: the <see cref="JobRecord"/> head (the
/// commit point) carries the shard rows changed since they were last stored, and the shard table is stored in
/// partitions of <see cref="PartitionSize"/> rows, written together once <see cref="OverlayLimit"/> rows are waiting.
/// Loading applies the head's rows over the partitions; a partition is only written after a head that holds its rows,
/// so a crash between the two loses nothing.
/// </summary>
public sealed class JobStateStore(IGrainStorage storage, GrainId grain, int partitionSize = JobStateStore.DefaultPartitionSize, int overlayLimit = JobStateStore.DefaultOverlayLimit)
{
    public const int DefaultPartitionSize = 1024;
    public const int DefaultOverlayLimit = 512;
    private const string HeadName = "job";
    private const int ParallelPartitionIo = 16;

    private readonly Dictionary<int, long> _unflushed = [];
    private readonly Dictionary<int, string?> _partitionEtags = [];
    private readonly SortedSet<int> _flushPartitions = [];
    private string? _headEtag;
    private bool _headExists;
    private long _changes;
    private bool _flushAll;

    public int PartitionSize { get; private set; } = partitionSize;

    public int OverlayLimit { get; } = overlayLimit;

    /// <summary>Rows whose latest state is only in the head.</summary>
    public int Unflushed => _unflushed.Count;

    /// <summary>Partition writes since this store was created (figures for the benchmark).</summary>
    public long PartitionWrites { get; private set; }

    public static string PartitionName(int index) => $"job-shards-{index}";

    /// <summary>A shard row changed: the next commit's head carries it.</summary>
    public void Changed(int shardId) => _unflushed[shardId] = ++_changes;

    /// <summary>The next commit also writes every partition with changed rows (a job that ends leaves a small head).</summary>
    public void FlushAllOnNextWrite() => _flushAll = true;

    /// <summary>
    /// The next commit also writes partition <paramref name="index"/>, whatever the overlay holds: rows appended while a job
    /// plans leave the head a partition at a time rather than riding in every head until the overlay fills.
    /// </summary>
    public void FlushOnNextWrite(int index) => _flushPartitions.Add(index);

    /// <summary>The stored head and the shard table it commits, or a fresh record where none is stored.</summary>
    public async Task<(JobRecord Head, List<ShardRecord> Shards)> LoadAsync()
    {
        var head = new GrainState<JobRecord>(new JobRecord());
        await storage.ReadStateAsync(HeadName, grain, head);
        (_headEtag, _headExists) = (head.ETag, head.RecordExists);
        var job = head.State ?? new JobRecord();
        if (job.ShardCount == 0)
        {
            return (job, []);
        }

        PartitionSize = job.ShardsPerPartition;
        var partitions = new ShardPartition[(job.ShardCount + PartitionSize - 1) / PartitionSize];
        await BoundedAsync(Enumerable.Range(0, partitions.Length), async index =>
        {
            var state = new GrainState<ShardPartition>(new ShardPartition());
            await storage.ReadStateAsync(PartitionName(index), grain, state);
            partitions[index] = state.State ?? new ShardPartition();
            _partitionEtags[index] = state.ETag;
        });
        // A job still planning grows its table: its newest rows may be in the head's overlay only, their partition not
        // written yet. Every row the head names must be found in one or the other.
        var table = new ShardRecord?[job.ShardCount];
        foreach (var row in partitions.SelectMany(p => p.Shards).Where(r => r.Id >= 0 && r.Id < table.Length))
        {
            table[row.Id] = row;
        }

        foreach (var row in job.Overlay.Where(r => r.Id >= 0 && r.Id < table.Length))
        {
            table[row.Id] = row;
            Changed(row.Id);
        }

        var found = table.Count(r => r is not null);
        if (found != table.Length)
        {
            throw new InvalidDataException($"The stored shard table of job '{grain}' has {found} rows where its record names {job.ShardCount}: its partitions are incomplete.");
        }

        job.Overlay = [];
        return (job, table.Select(r => r!).ToList());
    }

    /// <summary>A new job: every partition, then the head that names them (the head is what makes the job exist).</summary>
    public async Task WriteNewAsync(JobRecord head, IReadOnlyList<ShardRecord> shards)
    {
        head.ShardCount = shards.Count;
        head.ShardsPerPartition = PartitionSize;
        _unflushed.Clear();
        await WritePartitionsAsync(Enumerable.Range(0, (shards.Count + PartitionSize - 1) / PartitionSize).Select(p => (p, Partition(shards, p))).ToList());
        await WriteHeadAsync(head.Snapshot([], []));
    }

    /// <summary>
    /// One commit: the head as <paramref name="snapshot"/> gives it, with every unflushed row, then, once enough rows wait,
    /// their partitions. Everything written is taken before the first await; changes made meanwhile go to the next commit.
    /// </summary>
    public async Task WriteAsync(Func<List<ShardRecord>, JobRecord> snapshot, IReadOnlyList<ShardRecord> shards)
    {
        var head = snapshot([.. _unflushed.Keys.Order().Select(id => shards[id].Clone())]);
        List<(int Index, ShardPartition Partition)>? flush = null;
        var upTo = _changes;
        if (_unflushed.Count > 0 && (_flushAll || _unflushed.Count >= OverlayLimit))
        {
            flush = [.. _unflushed.Keys.Select(id => id / PartitionSize).Union(_flushPartitions).Distinct().Order().Select(p => (p, Partition(shards, p)))];
            _flushAll = false;
            _flushPartitions.Clear();
        }
        else if (_flushPartitions.Count > 0)
        {
            flush = [.. _flushPartitions.Where(p => p * PartitionSize < shards.Count).Select(p => (p, Partition(shards, p)))];
            _flushPartitions.Clear();
        }

        await WriteHeadAsync(head);
        if (flush is not null)
        {
            await WritePartitionsAsync(flush);
            var flushed = flush.Select(f => f.Index).ToHashSet();
            foreach (var (id, change) in _unflushed.Where(u => u.Value <= upTo && flushed.Contains(u.Key / PartitionSize)).ToList())
            {
                _unflushed.Remove(id);
            }
        }
    }

    /// <summary>A head written alone, before the job has a shard table (a job cancelled while it was validated).</summary>
    public Task WriteHeadOnlyAsync(JobRecord head) => WriteHeadAsync(head.Snapshot([], []));

    private async Task WriteHeadAsync(JobRecord head)
    {
        var state = new GrainState<JobRecord>(head) { ETag = _headEtag, RecordExists = _headExists };
        await storage.WriteStateAsync(HeadName, grain, state);
        (_headEtag, _headExists) = (state.ETag, true);
    }

    private ShardPartition Partition(IReadOnlyList<ShardRecord> shards, int index)
    {
        var start = index * PartitionSize;
        var rows = new List<ShardRecord>(Math.Min(PartitionSize, shards.Count - start));
        for (var id = start; id < Math.Min(start + PartitionSize, shards.Count); id++)
        {
            rows.Add(shards[id].Clone());
        }

        return new ShardPartition { Shards = rows };
    }

    private async Task WritePartitionsAsync(IReadOnlyList<(int Index, ShardPartition Partition)> partitions)
    {
        await BoundedAsync(partitions, async partition =>
        {
            var etag = _partitionEtags.GetValueOrDefault(partition.Index);
            var state = new GrainState<ShardPartition>(partition.Partition) { ETag = etag, RecordExists = etag is not null };
            await storage.WriteStateAsync(PartitionName(partition.Index), grain, state);
            _partitionEtags[partition.Index] = state.ETag;
        });
        PartitionWrites += partitions.Count;
    }

    /// <summary>
    /// A few storage calls at a time, on the caller's scheduler (the grain's: its continuations never run in parallel,
    /// so the etags need no lock). Stops at the first failure.
    /// </summary>
    private static async Task BoundedAsync<T>(IEnumerable<T> items, Func<T, Task> call)
    {
        var running = new List<Task>(ParallelPartitionIo);
        foreach (var item in items)
        {
            if (running.Count == ParallelPartitionIo)
            {
                var done = await Task.WhenAny(running);
                await done;
                running.Remove(done);
            }

            running.Add(call(item));
        }

        await Task.WhenAll(running);
    }
}
