namespace SENet.Grains.Jobs;

/// <summary>
/// Runs: one lease carrying several consecutive shards (--shard-size auto), so that a fast device's lease holds seconds
/// of work and costs the coordinator one lease and one completion rather than one per shard. Each shard of a run still
/// merges once by its own id, so a run overlapping a duplicate, a late completion or a re-leased part merges only the
/// shards nobody merged before it. A shard whose holder ever died is leased alone, never in a run, so that the
/// quarantine's bisection starts from one shard.
/// </summary>
public sealed partial class ShardScheduler
{
    /// <summary>
    /// The next lease for <paramref name="worker"/> covering up to <paramref name="maxShards"/> consecutive queued shards;
    /// a quarantined shard's range, a shard whose holder died, and a tail duplicate go alone, as <see cref="Lease"/> hands them.
    /// </summary>
    public ActiveLease? LeaseRun(string worker, DateTime now, int maxShards)
    {
        if (maxShards <= 1 || (_quarantined.Count > 0 && _probesRunning == 0) || NextQueued(take: false) is not { } first || Shards[first].HolderDeaths > 0)
        {
            return Lease(worker, now);
        }

        NextQueued(take: true);
        var count = 1;
        while (count < maxShards && NextQueued(take: false) is { } next && next == first + count && Shards[next].HolderDeaths == 0)
        {
            NextQueued(take: true);
            count++;
        }

        return Issue(first, worker, duplicate: false, now, shardCount: count);
    }

    /// <summary>
    /// A run's results arrived: each shard merges unless merged or quarantined since (then its outcome is ignored), in the
    /// run's order. A run of one shard is <see cref="Complete"/>.
    /// </summary>
    public IReadOnlyList<CompletionOutcome> CompleteRun(Guid leaseId, int firstShard, int count)
    {
        Remove(leaseId);
        var outcomes = new CompletionOutcome[count];
        for (var i = 0; i < count; i++)
        {
            var id = firstShard + i;
            if (id < 0 || id >= Shards.Count || Shards[id].Merged || Shards[id].Quarantined)
            {
                IgnoredCompletions++;
                outcomes[i] = CompletionOutcome.Ignored;
                continue;
            }

            Shards[id].MergedLease = leaseId;
            Settle(Shards[id]);
            outcomes[i] = CompletionOutcome.Merged;
        }

        return outcomes;
    }

    /// <summary>A run's holder died: we cannot tell which shard killed it, so each counts one death and is leased alone from now on.</summary>
    private Reclaimed RunHolderDied(Reclaimed reclaimed)
    {
        var lease = reclaimed.Lease;
        foreach (var id in lease.ShardIds)
        {
            var shard = Shards[id];
            if (shard.Merged || shard.Quarantined || shard.LastDeadLease == lease.LeaseId)
            {
                continue;
            }

            shard.LastDeadLease = lease.LeaseId;
            changed(id);
            if (ShardQuarantine.RecordHolderDeath(shard))
            {
                // Only a shard that had died before, i.e. one leased alone since; never the case inside a run.
                _quarantined.Add(id);
                Withdraw(id);
                Dequeue(id);
            }
        }

        return reclaimed;
    }

    /// <summary>A stored run lease of a reactivated coordinator's predecessor: adopted while any of its shards is unmerged.</summary>
    private void AdoptRun(LeaseHolder holder, DateTime now)
    {
        if (holder.ShardId >= 0 && holder.ShardId + holder.ShardCount <= Shards.Count
            && Enumerable.Range(holder.ShardId, holder.ShardCount).Any(id => !Shards[id].Merged && !Shards[id].Quarantined))
        {
            Add(new ActiveLease(holder.LeaseId, holder.ShardId, holder.Worker, holder.Duplicate, now, now + leaseTimeout, null, holder.ShardCount));
        }
    }

    /// <summary>The next shard the queue hands out (front first), skipping stale entries; removed from the queue when <paramref name="take"/>.</summary>
    private int? NextQueued(bool take)
    {
        while (_front.Count > 0 || _queue.Count > 0)
        {
            var fromFront = _front.Count > 0;
            var id = fromFront ? _front.Peek() : _queue.Peek();
            if (!_queued[id] || take)
            {
                _ = fromFront ? _front.Pop() : _queue.Dequeue();
            }

            if (!_queued[id])
            {
                continue;
            }

            if (take)
            {
                _queued[id] = false;
                Pending--;
            }

            return id;
        }

        return null;
    }
}
