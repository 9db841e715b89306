using SENet.Contracts.Jobs;

namespace SENet.Grains.Jobs;

/// <summary>
/// The coordinator's decisions over a job's shard table, as a plain object (no Orleans): which shard the next worker
/// leases (a quarantined shard's next range, else the queue, else a tail duplicate of the slowest shard), which lease a
/// completion merges, and what goes back to the queue when a lease expires, is released or its silo dies. Every
/// operation costs O(1) or O(leases in flight), never O(shards): the queue skips settled shards lazily, and the counts
/// status reports are kept up to date rather than counted.
/// </summary>
/// <param name="shards">The shard table; rows change in place, and each change is reported to <paramref name="changed"/>.</param>
/// <param name="changed">Told the id of every row that changed, so its owner can store it.</param>
public sealed partial class ShardScheduler(IReadOnlyList<ShardRecord> shards, TimeSpan leaseTimeout, bool tailDuplicates, Action<int> changed)
{
    /// <summary>How long the oldest lease must have run before an idle worker duplicates it at the tail.</summary>
    public static readonly TimeSpan TailDuplicateAfter = TimeSpan.FromSeconds(1);

    private readonly Dictionary<Guid, ActiveLease> _leases = [];
    private readonly Dictionary<int, int> _leasesPerShard = [];
    private readonly SortedSet<int> _quarantined = [];
    // One flag per shard; grows as planning appends shards to the table.
    private readonly List<bool> _queued = [.. new bool[shards.Count]];
    private readonly Queue<int> _queue = new();
    private readonly Stack<int> _front = new();
    private int _probesRunning;

    public IReadOnlyList<ShardRecord> Shards { get; } = shards;

    public int Merged { get; private set; }

    public int Pending { get; private set; }

    public bool AllMerged => Merged == Shards.Count;

    /// <summary>Shards with at least one lease in flight.</summary>
    public int ShardsLeased => _leasesPerShard.Count;

    public IReadOnlyCollection<ActiveLease> Leases => _leases.Values;

    public int ShardsRetried { get; set; }

    public int DuplicateLeases { get; set; }

    public int LeasesReclaimed { get; set; }

    public int IgnoredCompletions { get; set; }

    /// <summary>
    /// Set while the table still grows: no tail duplicates then, as an empty queue only means the listing has not
    /// planned the next shards yet, not that the job is in its tail.
    /// </summary>
    public bool Planning { get; set; }

    /// <summary>
    /// Queues every unsettled shard in id order (a quarantined one is handed out by ranges, never whole), after the
    /// shards named by <paramref name="held"/>, which are adopted as leases: a coordinator that restarts from stored
    /// state keeps the leases of its predecessor, so the death of their holders' silos still counts.
    /// </summary>
    public void Start(IEnumerable<LeaseHolder> held, DateTime now)
    {
        foreach (var shard in Shards)
        {
            if (shard.Merged)
            {
                Merged++;
            }
            else if (shard.Quarantined)
            {
                _quarantined.Add(shard.Id);
            }
        }

        foreach (var holder in held)
        {
            if (holder.ShardCount > 1)
            {
                AdoptRun(holder, now);
            }
            else if (holder.ShardId >= 0 && holder.ShardId < Shards.Count && !Shards[holder.ShardId].Merged && (holder.Range is null) != Shards[holder.ShardId].Quarantined)
            {
                Add(new ActiveLease(holder.LeaseId, holder.ShardId, holder.Worker, holder.Duplicate, now, now + leaseTimeout, holder.Range));
            }
        }

        foreach (var shard in Shards)
        {
            if (!shard.Merged && !shard.Quarantined && !_leasesPerShard.ContainsKey(shard.Id))
            {
                Enqueue(shard.Id, front: false);
            }
        }
    }

    /// <summary>
    /// Shard <paramref name="shardId"/> was just planned: its owner appended its row to the table (in id order). It is
    /// queued behind every shard already queued, so workers lease shards while the listing goes on.
    /// </summary>
    public void Planned(int shardId)
    {
        if (shardId != _queued.Count || shardId >= Shards.Count)
        {
            throw new InvalidOperationException($"Shard {shardId} was planned out of order: {_queued.Count} shards are known, the table holds {Shards.Count}.");
        }

        _queued.Add(false);
        Enqueue(shardId, front: false);
    }

    /// <summary>The next lease for <paramref name="worker"/>, or null when nothing is leasable now.</summary>
    public ActiveLease? Lease(string worker, DateTime now)
    {
        if (_probesRunning == 0 && NextProbe() is var (quarantined, probe))
        {
            return Issue(quarantined.Id, worker, duplicate: false, now, probe.Range);
        }

        while (_front.Count > 0 || _queue.Count > 0)
        {
            var id = _front.Count > 0 ? _front.Pop() : _queue.Dequeue();
            if (_queued[id])
            {
                _queued[id] = false;
                Pending--;
                return Issue(id, worker, duplicate: false, now);
            }
        }

        if (!tailDuplicates || Planning)
        {
            return null;
        }

        // The tail: an idle worker takes a duplicate of the longest-running shard nobody duplicated yet; first completion
        // wins. A shard whose holder died once runs without duplicates: the next copy could kill its silo too.
        ActiveLease? slowest = null;
        foreach (var lease in _leases.Values)
        {
            if (lease.Worker != worker && lease.Range is null && !lease.Duplicate && _leasesPerShard[lease.ShardId] == 1
                && Shards[lease.ShardId].HolderDeaths == 0 && (slowest is null || lease.LeasedUtc < slowest.LeasedUtc))
            {
                slowest = lease;
            }
        }

        if (slowest is not null && now - slowest.LeasedUtc > TailDuplicateAfter)
        {
            DuplicateLeases++;
            return Issue(slowest.ShardId, worker, duplicate: true, now, shardCount: slowest.ShardCount);
        }

        return null;
    }

    /// <summary>Extends a lease still in flight; false for one expired, withdrawn or unknown.</summary>
    public bool Renew(Guid leaseId, long imagesDone, DateTime now)
    {
        if (!_leases.TryGetValue(leaseId, out var lease))
        {
            return false;
        }

        lease.DeadlineUtc = now + leaseTimeout;
        lease.ImagesDone = imagesDone;
        return true;
    }

    /// <summary>
    /// A lease's result arrived. A whole shard merges once, by shard id (whoever completes it first, whether or not its
    /// lease is still in flight); a range of a quarantined shard merges once, by range.
    /// </summary>
    public CompletionOutcome Complete(Guid leaseId, int shardId, ImageRange? range)
    {
        Remove(leaseId);
        if (shardId < 0 || shardId >= Shards.Count || Shards[shardId].Merged)
        {
            IgnoredCompletions++;
            return CompletionOutcome.Ignored;
        }

        var shard = Shards[shardId];
        if (range is not null)
        {
            if (!ShardQuarantine.MergeProbe(shard, range, leaseId))
            {
                IgnoredCompletions++;
                return CompletionOutcome.Ignored;
            }

            changed(shardId);
            return CompletionOutcome.RangeMerged;
        }

        if (shard.Quarantined)
        {
            // A whole-shard lease issued before the quarantine: its ranges are now run alone instead.
            IgnoredCompletions++;
            return CompletionOutcome.Ignored;
        }

        shard.MergedLease = leaseId;
        Settle(shard);
        return CompletionOutcome.Merged;
    }

    /// <summary>A shard is done (merged whole, or every range of a quarantined one settled): no lease of it counts any more.</summary>
    public void Settle(ShardRecord shard)
    {
        if (shard.Merged)
        {
            return;
        }

        shard.Merged = true;
        Merged++;
        _quarantined.Remove(shard.Id);
        Withdraw(shard.Id);
        Dequeue(shard.Id);
        changed(shard.Id);
    }

    /// <summary>A worker gave its lease back: the shard goes to the front of the queue.</summary>
    public ActiveLease? Release(Guid leaseId)
    {
        if (Remove(leaseId) is { } lease)
        {
            Requeue(lease);
            return lease;
        }

        return null;
    }

    /// <summary>A worker gave up on the job: its leases go back to the queue.</summary>
    public void WorkerStopped(string worker)
    {
        foreach (var lease in _leases.Values.Where(l => l.Worker == worker).ToList())
        {
            Remove(lease.LeaseId);
            Requeue(lease);
        }
    }

    /// <summary>
    /// Takes back every lease past its deadline or held on a silo that is gone. A gone silo's death is counted against the
    /// shard (quarantining it at the second), once per lease; the shard then goes back to the queue unless quarantined.
    /// </summary>
    public IReadOnlyList<Reclaimed> Reclaim(DateTime now, Func<string, bool> workerGone)
    {
        List<Reclaimed>? reclaimed = null;
        foreach (var lease in _leases.Values)
        {
            var gone = workerGone(lease.Worker);
            if (gone || lease.DeadlineUtc < now)
            {
                (reclaimed ??= []).Add(new Reclaimed(lease, gone, DeathOutcome.None, null));
            }
        }

        if (reclaimed is null)
        {
            return [];
        }

        for (var i = 0; i < reclaimed.Count; i++)
        {
            var lease = reclaimed[i].Lease;
            if (Remove(lease.LeaseId) is null)
            {
                continue;
            }

            LeasesReclaimed++;
            if (reclaimed[i].SiloGone)
            {
                reclaimed[i] = lease.ShardCount > 1 ? RunHolderDied(reclaimed[i]) : HolderDied(reclaimed[i]);
            }

            Requeue(lease);
        }

        return reclaimed;
    }

    /// <summary>The shard's holder died: the second death quarantines a whole shard; a range's holder death splits the range, or names its image poison.</summary>
    private Reclaimed HolderDied(Reclaimed reclaimed)
    {
        var lease = reclaimed.Lease;
        var shard = Shards[lease.ShardId];
        if (shard.Merged || shard.LastDeadLease == lease.LeaseId)
        {
            return reclaimed;
        }

        shard.LastDeadLease = lease.LeaseId;
        changed(shard.Id);
        if (lease.Range is { } range)
        {
            return shard.Quarantined && ShardQuarantine.RecordProbeDeath(shard, range) is { } poison
                ? reclaimed with { Outcome = DeathOutcome.Poison, Poison = poison }
                : reclaimed;
        }

        if (ShardQuarantine.RecordHolderDeath(shard))
        {
            _quarantined.Add(shard.Id);
            Withdraw(shard.Id);
            Dequeue(shard.Id);
            return reclaimed with { Outcome = DeathOutcome.Quarantined };
        }

        return reclaimed;
    }

    /// <summary>The job ended: nothing is leased any more. Returns the workers that held leases.</summary>
    public IReadOnlyList<string> Clear()
    {
        var holders = _leases.Values.Select(l => l.Worker).Distinct().ToList();
        _leases.Clear();
        _leasesPerShard.Clear();
        _probesRunning = 0;
        _queue.Clear();
        _front.Clear();
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_queued).Clear();
        Pending = 0;
        return holders;
    }

    /// <summary>The leases as stored state keeps them.</summary>
    public List<LeaseHolder> Holders() => [.. _leases.Values.Select(l => new LeaseHolder(l.LeaseId, l.ShardId, l.Worker, l.Duplicate, l.Range, l.ShardCount))];

    /// <summary>Images done so far by leases in flight: each shard's most advanced lease.</summary>
    public long ImagesInFlight()
    {
        var best = new Dictionary<int, long>(_leasesPerShard.Count);
        foreach (var lease in _leases.Values)
        {
            best[lease.ShardId] = Math.Max(best.GetValueOrDefault(lease.ShardId), lease.ImagesDone);
        }

        return best.Values.Sum();
    }

    private (ShardRecord Shard, ProbeRange Probe)? NextProbe() =>
        _quarantined.Count == 0 ? null : ShardQuarantine.NextProbe(_quarantined.Select(id => Shards[id]), probeRunning: false);

    private ActiveLease Issue(int shardId, string worker, bool duplicate, DateTime now, ImageRange? range = null, int shardCount = 1)
    {
        for (var id = shardId; id < shardId + shardCount; id++)
        {
            Shards[id].Attempts++;
            changed(id);
        }

        return Add(new ActiveLease(Guid.NewGuid(), shardId, worker, duplicate, now, now + leaseTimeout, range, shardCount));
    }

    private ActiveLease Add(ActiveLease lease)
    {
        _leases[lease.LeaseId] = lease;
        foreach (var id in lease.ShardIds)
        {
            _leasesPerShard[id] = _leasesPerShard.GetValueOrDefault(id) + 1;
        }

        _probesRunning += lease.Range is null ? 0 : 1;
        return lease;
    }

    private ActiveLease? Remove(Guid leaseId)
    {
        if (!_leases.Remove(leaseId, out var lease))
        {
            return null;
        }

        foreach (var id in lease.ShardIds)
        {
            if (--_leasesPerShard[id] == 0)
            {
                _leasesPerShard.Remove(id);
            }
        }

        _probesRunning -= lease.Range is null ? 0 : 1;
        return lease;
    }

    private void Withdraw(int shardId)
    {
        if (_leasesPerShard.ContainsKey(shardId))
        {
            // A run stays: its other shards still need it, and its completion merges only those not merged yet.
            foreach (var id in _leases.Values.Where(l => l.ShardId == shardId && l.ShardCount == 1).Select(l => l.LeaseId).ToList())
            {
                Remove(id);
            }
        }
    }

    /// <summary>Every shard of a lease gone goes back to the front of the queue, a run's in ascending order.</summary>
    private void Requeue(ActiveLease lease)
    {
        for (var id = lease.ShardId + lease.ShardCount - 1; id >= lease.ShardId; id--)
        {
            Requeue(id);
        }
    }

    /// <summary>A shard whose every lease is gone goes back to the front of the queue.</summary>
    private void Requeue(int shardId)
    {
        var shard = Shards[shardId];
        if (!shard.Merged && !shard.Quarantined && !_leasesPerShard.ContainsKey(shardId) && !_queued[shardId])
        {
            Enqueue(shardId, front: true);
            ShardsRetried++;
        }
    }

    private void Enqueue(int shardId, bool front)
    {
        _queued[shardId] = true;
        Pending++;
        if (front)
        {
            _front.Push(shardId);
        }
        else
        {
            _queue.Enqueue(shardId);
        }
    }

    /// <summary>Out of the queue: the entry stays where it is and is skipped when reached.</summary>
    private void Dequeue(int shardId)
    {
        if (_queued[shardId])
        {
            _queued[shardId] = false;
            Pending--;
        }
    }
}
