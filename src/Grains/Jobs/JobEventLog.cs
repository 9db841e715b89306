using SENet.Contracts.Jobs;

namespace SENet.Grains.Jobs;

/// <summary>
/// The latest failed images and stopped workers of a job, for watchers: bounded (a job with a million bad images keeps
/// the last <paramref name="capacity"/>) and in memory only, since every failure is also in the shard's failures part
/// and so in the report. Sequence numbers never repeat within one activation (<see cref="Epoch"/>).
/// </summary>
public sealed class JobEventLog(int capacity = 1000, int page = 200)
{
    private readonly Queue<JobEvent> _kept = new();
    private long _next;

    public string Epoch { get; } = Guid.NewGuid().ToString("N");

    public void Add(JobEventKind kind, string subject, string reason, string? worker)
    {
        _kept.Enqueue(new JobEvent(_next++, kind, subject, reason, worker));
        if (_kept.Count > capacity)
        {
            _kept.Dequeue();
        }
    }

    /// <summary>At most a page of events from <paramref name="from"/> on; how many of those asked for were already dropped.</summary>
    public JobEvents Since(long from)
    {
        var oldest = _kept.TryPeek(out var first) ? first.Sequence : _next;
        var start = Math.Clamp(from, 0, _next);
        var missed = Math.Max(0, oldest - start);
        var events = _kept.Where(e => e.Sequence >= start).Take(page).ToList();
        return new JobEvents(Epoch, events.Count > 0 ? events[^1].Sequence + 1 : Math.Max(start, oldest), events, missed);
    }
}
