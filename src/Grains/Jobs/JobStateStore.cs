using Orleans.Storage;

namespace SENet.Grains.Jobs;

/// <summary>
/// A job's durable state, written at a cost that does not grow with the job: the shard table is stored in partitions of
/// <see cref="PartitionSize"/> rows, written together once <see cref="OverlayLimit"/> changed rows wait; the job's
/// record is stored as a **checkpoint** (the <see cref="JobRecord"/> head: everything, the changed rows, every lease in
/// flight and every worker tally) every <see cref="LogSlots"/> commits, and each commit between two is a
/// <see cref="JobLogEntry"/> of what changed since the write before (rows, leases handed out and ended, tallies), in a
/// ring of <see cref="LogSlots"/> slots. Each write is the commit point of what it carries, and its cost follows the
/// commit's changes rather than the number of workers and leases in flight. Loading applies the entries that follow the
/// checkpoint without a gap, in order, over it, and the rows over the partitions; a partition is only written after a
/// write that holds its rows, so a crash between the two loses nothing. After a write fails, or once loaded, the next
/// write is a checkpoint, so an entry always follows a write that succeeded.
/// </summary>
public sealed class JobStateStore(IGrainStorage storage, GrainId grain, int partitionSize = JobStateStore.DefaultPartitionSize, int overlayLimit = JobStateStore.DefaultOverlayLimit, int logSlots = JobStateStore.DefaultLogSlots)
{
    public const int DefaultPartitionSize = 1024;

    /// <summary>
    /// Only checkpoints carry the changed rows (every <see cref="DefaultLogSlots"/> commits), so many can wait: the
    /// partitions holding them are written once per this many changed rows, a few times over a job rather than dozens.
    /// </summary>
    public const int DefaultOverlayLimit = 4096;

    public const int DefaultLogSlots = 64;
    private const string HeadName = "job";
    private const int ParallelPartitionIo = 16;

    private readonly Dictionary<int, long> _unflushed = [];
    private readonly Dictionary<int, string?> _partitionEtags = [];
    private readonly SortedSet<int> _flushPartitions = [];
    private string? _headEtag;
    private bool _headExists;
    private long _changes;
    private bool _flushAll;

    // The log: the last write that succeeded, the last checkpoint, and what the last write held (what an entry leaves out).
    private readonly Dictionary<int, long> _sinceWrite = [];
    private readonly Dictionary<int, string?> _slotEtags = [];
    private readonly HashSet<int> _slotEtagsUnknown = [];
    private HashSet<Guid> _writtenLeases = [];
    private Dictionary<string, WorkerTally> _writtenTallies = [];

    // The leases the entry being written found in flight: what the next entry compares with once it is written.
    private HashSet<Guid> _liveAtEntry = [];
    private List<string>? _writtenClassNames;
    private int _writtenFailures = -1;
    private long _seq;
    private long _checkpointSeq;
    private bool _checkpointDue = true;
    private Guid _logId;

    public int PartitionSize { get; private set; } = partitionSize;

    public int OverlayLimit { get; } = overlayLimit;

    /// <summary>Rows whose latest state is only in the head.</summary>
    public int Unflushed => _unflushed.Count;

    /// <summary>Commits between two checkpoints, each a <see cref="JobLogEntry"/> in its own slot.</summary>
    public int LogSlots { get; } = logSlots >= 1 ? logSlots : throw new ArgumentOutOfRangeException(nameof(logSlots), logSlots, "A job's log has at least one slot.");

    /// <summary>Partition writes since this store was created (figures for the benchmark).</summary>
    public long PartitionWrites { get; private set; }

    /// <summary>Checkpoints (whole records) and log entries written since this store was created.</summary>
    public long Checkpoints { get; private set; }

    public long LogEntries { get; private set; }

    public static string PartitionName(int index) => $"job-shards-{index}";

    public static string LogSlotName(int slot) => $"job-log-{slot}";

    /// <summary>A shard row changed: the next commit carries it.</summary>
    public void Changed(int shardId)
    {
        _unflushed[shardId] = ++_changes;
        _sinceWrite[shardId] = _changes;
    }

    /// <summary>The next commit is a checkpoint that also writes every partition with changed rows (a job that ends leaves a small, whole head).</summary>
    public void FlushAllOnNextWrite() => _flushAll = true;

    /// <summary>
    /// The next commit also writes partition <paramref name="index"/>, whatever the overlay holds: rows appended while a job
    /// plans leave the head a partition at a time rather than riding in every head until the overlay fills.
    /// </summary>
    public void FlushOnNextWrite(int index) => _flushPartitions.Add(index);

    /// <summary>The stored head, with the log entries after it applied, and the shard table they commit; a fresh record where none is stored.</summary>
    public async Task<(JobRecord Head, List<ShardRecord> Shards)> LoadAsync()
    {
        var head = new GrainState<JobRecord>(new JobRecord());
        await storage.ReadStateAsync(HeadName, grain, head);
        (_headEtag, _headExists) = (head.ETag, head.RecordExists);
        var job = head.State ?? new JobRecord();
        (_seq, _checkpointSeq, _logId, _checkpointDue) = (job.LogSeq, job.LogSeq, job.LogId, true);
        var rows = new List<ShardRecord>(job.Overlay);
        if (head.RecordExists)
        {
            job = await ApplyLogAsync(job, rows);
        }

        if (job.ShardCount == 0)
        {
            job.Overlay = [];
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
        // A job still planning grows its table: its newest rows may be in the head's overlay or the log only, their
        // partition not written yet. Every row the record names must be found in one or the other. The rows of the
        // checkpoint and then of each entry, in order, are applied over the partitions: the last one written wins.
        var table = new ShardRecord?[job.ShardCount];
        foreach (var row in partitions.SelectMany(p => p.Shards).Where(r => r.Id >= 0 && r.Id < table.Length))
        {
            table[row.Id] = row;
        }

        foreach (var row in rows.Where(r => r.Id >= 0 && r.Id < table.Length))
        {
            table[row.Id] = row;
            _unflushed[row.Id] = ++_changes;
        }

        var found = table.Count(r => r is not null);
        if (found != table.Length)
        {
            throw new InvalidDataException($"The stored shard table of job '{grain}' has {found} rows where its record names {job.ShardCount}: its partitions are incomplete.");
        }

        job.Overlay = [];
        return (job, table.Select(r => r!).ToList());
    }

    /// <summary>
    /// The checkpoint <paramref name="job"/> with every entry of its log that follows it without a gap applied, in order:
    /// each entry's record replaces the figures, its leases and tallies are applied to the checkpoint's, and its rows
    /// join <paramref name="rows"/>. An entry of a slot not yet reached again, or of an earlier job, is not applied.
    /// </summary>
    private async Task<JobRecord> ApplyLogAsync(JobRecord job, List<ShardRecord> rows)
    {
        var slots = job.LogSlots;
        var entries = new JobLogEntry?[slots];
        await BoundedAsync(Enumerable.Range(0, slots), async slot =>
        {
            var state = new GrainState<JobLogEntry>(new JobLogEntry());
            await storage.ReadStateAsync(LogSlotName(slot), grain, state);
            _slotEtags[slot] = state.ETag;
            entries[slot] = state.RecordExists ? state.State : null;
        });
        var leases = job.Leases.ToDictionary(l => l.LeaseId);
        var workers = job.Workers;
        for (var seq = job.LogSeq + 1; slots > 0 && entries[(int)(seq % slots)] is { } entry && entry.Seq == seq && entry.LogId == job.LogId; seq++)
        {
            var next = entry.Record;
            rows.AddRange(next.Overlay);
            foreach (var ended in entry.LeasesEnded)
            {
                leases.Remove(ended);
            }

            foreach (var lease in next.Leases)
            {
                leases[lease.LeaseId] = lease;
            }

            foreach (var (key, tally) in next.Workers)
            {
                workers[key] = tally;
            }

            next.ClassNames = entry.ClassNamesKept ? job.ClassNames : next.ClassNames;
            next.Failures = entry.FailuresKept ? job.Failures : next.Failures;
            (next.Workers, next.LogSeq, next.LogId, next.LogSlots, _seq) = (workers, job.LogSeq, job.LogId, job.LogSlots, seq);
            job = next;
        }

        job.Leases = [.. leases.Values];
        return job;
    }

    /// <summary>A new job: every partition, then the head that names them (the head is what makes the job exist).</summary>
    public async Task WriteNewAsync(JobRecord head, IReadOnlyList<ShardRecord> shards)
    {
        head.ShardCount = shards.Count;
        head.ShardsPerPartition = PartitionSize;
        _unflushed.Clear();
        _sinceWrite.Clear();
        _logId = Guid.NewGuid();
        await WritePartitionsAsync(Enumerable.Range(0, (shards.Count + PartitionSize - 1) / PartitionSize).Select(p => (p, Partition(shards, p))).ToList());
        await CheckpointAsync(head.Snapshot([], []), _changes);
    }

    /// <summary>
    /// One commit: a checkpoint (the record as <paramref name="snapshot"/> gives it, with every unflushed row, every lease
    /// of <paramref name="leases"/> and every tally of <paramref name="workers"/>) or, between two, a log entry of what
    /// changed since the write before; then, once enough rows wait, their partitions. Everything written is taken before
    /// the first await; changes made meanwhile go to the next commit.
    /// </summary>
    /// <param name="snapshot">The record as of now with the given rows, its leases and tallies left empty (<see cref="JobRecord.Snapshot"/> without workers): the store adds them.</param>
    public async Task WriteAsync(Func<List<ShardRecord>, JobRecord> snapshot, IReadOnlyList<ShardRecord> shards, IReadOnlyCollection<ActiveLease> leases, IReadOnlyDictionary<string, WorkerTally> workers)
    {
        var upTo = _changes;
        var checkpoint = _checkpointDue || _flushAll || _seq + 1 - _checkpointSeq > LogSlots;
        JobRecord? head = null;
        JobLogEntry? entry = null;
        if (checkpoint)
        {
            head = snapshot([.. _unflushed.Keys.Order().Select(id => shards[id].Clone())]);
            head.Leases = [.. leases.Select(Holder)];
            head.Workers = workers.ToDictionary(w => w.Key, w => w.Value.Copy());
        }
        else
        {
            entry = Entry(snapshot([.. _sinceWrite.Keys.Order().Select(id => shards[id].Clone())]), leases, workers);
        }

        List<(int Index, ShardPartition Partition)>? flush = null;
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

        if (head is not null)
        {
            await CheckpointAsync(head, upTo);
        }
        else
        {
            await AppendAsync(entry!, upTo);
        }

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
    public Task WriteHeadOnlyAsync(JobRecord head) => CheckpointAsync(head.Snapshot([], []), _changes);

    private static LeaseHolder Holder(ActiveLease lease) => new(lease.LeaseId, lease.ShardId, lease.Worker, lease.Duplicate, lease.Range, lease.ShardCount);

    /// <summary>What changed since the last write: rows (already in <paramref name="record"/>), leases handed out and ended, tallies.</summary>
    private JobLogEntry Entry(JobRecord record, IReadOnlyCollection<ActiveLease> leases, IReadOnlyDictionary<string, WorkerTally> workers)
    {
        var live = new HashSet<Guid>(leases.Count);
        foreach (var lease in leases)
        {
            live.Add(lease.LeaseId);
            if (!_writtenLeases.Contains(lease.LeaseId))
            {
                record.Leases.Add(Holder(lease));
            }
        }

        var ended = _writtenLeases.Where(id => !live.Contains(id)).ToList();
        foreach (var (key, tally) in workers)
        {
            if (!_writtenTallies.TryGetValue(key, out var written) || !written.SameAs(tally))
            {
                record.Workers[key] = tally.Copy();
            }
        }

        var entry = new JobLogEntry
        {
            Seq = _seq + 1,
            LogId = _logId,
            Record = record,
            LeasesEnded = ended,
            ClassNamesKept = _writtenClassNames is not null && record.ClassNames.SequenceEqual(_writtenClassNames),
            // Failures are only ever added to: as many as written are the same ones.
            FailuresKept = record.Failures.Count == _writtenFailures,
        };
        _liveAtEntry = live;
        return entry;
    }

    private async Task AppendAsync(JobLogEntry entry, long upTo)
    {
        var (classNames, failures) = (entry.Record.ClassNames, entry.Record.Failures.Count);
        if (entry.ClassNamesKept)
        {
            entry.Record.ClassNames = [];
        }

        if (entry.FailuresKept)
        {
            entry.Record.Failures = [];
        }

        var slot = Slot(entry.Seq);
        try
        {
            if (_slotEtagsUnknown.Contains(slot))
            {
                // A write of this slot failed: it may have landed, so its etag is read again.
                var stored = new GrainState<JobLogEntry>(new JobLogEntry());
                await storage.ReadStateAsync(LogSlotName(slot), grain, stored);
                _slotEtags[slot] = stored.ETag;
                _slotEtagsUnknown.Remove(slot);
            }

            var etag = _slotEtags.GetValueOrDefault(slot);
            var state = new GrainState<JobLogEntry>(entry) { ETag = etag, RecordExists = etag is not null };
            await storage.WriteStateAsync(LogSlotName(slot), grain, state);
            _slotEtags[slot] = state.ETag;
        }
        catch
        {
            _slotEtagsUnknown.Add(slot);
            _checkpointDue = true;
            throw;
        }

        LogEntries++;
        _seq = entry.Seq;
        _writtenLeases = _liveAtEntry;
        foreach (var (key, tally) in entry.Record.Workers)
        {
            _writtenTallies[key] = tally;
        }

        (_writtenClassNames, _writtenFailures) = (classNames, failures);
        Written(upTo);
    }

    private async Task CheckpointAsync(JobRecord head, long upTo)
    {
        if (_logId == Guid.Empty)
        {
            _logId = Guid.NewGuid();
        }

        (head.LogSeq, head.LogId, head.LogSlots) = (_seq + 1, _logId, LogSlots);
        var state = new GrainState<JobRecord>(head) { ETag = _headEtag, RecordExists = _headExists };
        try
        {
            await storage.WriteStateAsync(HeadName, grain, state);
        }
        catch
        {
            _checkpointDue = true;
            throw;
        }

        (_headEtag, _headExists) = (state.ETag, true);
        Checkpoints++;
        (_seq, _checkpointSeq, _checkpointDue) = (head.LogSeq, head.LogSeq, false);
        _writtenLeases = [.. head.Leases.Select(l => l.LeaseId)];
        _writtenTallies = head.Workers;
        (_writtenClassNames, _writtenFailures) = (head.ClassNames, head.Failures.Count);
        Written(upTo);
    }

    /// <summary>Rows changed up to <paramref name="upTo"/> are in a stored write: the next entry leaves them out.</summary>
    private void Written(long upTo)
    {
        foreach (var (id, _) in _sinceWrite.Where(c => c.Value <= upTo).ToList())
        {
            _sinceWrite.Remove(id);
        }
    }

    private int Slot(long seq) => (int)(seq % LogSlots);

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
