using System.Diagnostics;

namespace SENet.Grains.Jobs;

/// <summary>
/// Group commit: one durable write at a time, and every change asked for while a write is under way is carried by the
/// next one, so many completions cost one write. <see cref="CommitAsync"/> completes once a write that began after the
/// call has succeeded, so a caller answered after it knows its change is durable. Runs on the grain's scheduler (one
/// thread), so it needs no lock; <paramref name="write"/> must take its snapshot before its first await.
/// </summary>
/// <param name="maxGap">
/// The longest a write waits after the one before it. Under load, writes otherwise follow each other back to back, and
/// each costs about the same whatever it carries (the record's size is set by workers and classes): after a write that
/// took <c>d</c>, the next one starts no sooner than <c>2d</c> (at most <paramref name="maxGap"/>) after it ended, so
/// writes take at most a third of the time and every change made meanwhile shares the next one. Cheap writes (a small
/// job, a quiet cluster) leave a gap too short to notice; a commit after a quiet spell is written at once.
/// </param>
/// <param name="delay">Waits out the gap (a test controls it); <see cref="Task.Delay(TimeSpan)"/> by default.</param>
public sealed class GroupCommit(Func<Task> write, TimeSpan maxGap = default, Func<TimeSpan, Task>? delay = null)
{
    private readonly Func<TimeSpan, Task> _delay = delay ?? (wait => Task.Delay(wait));
    private TaskCompletionSource? _waiting;
    private bool _writing;
    private long _lastEnd;
    private TimeSpan _lastDuration;

    /// <summary>Writes performed; each may carry many commits.</summary>
    public long Writes { get; private set; }

    /// <summary>A write under way or asked for.</summary>
    public bool Busy => _writing || _waiting is not null;

    public Task CommitAsync()
    {
        _waiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var committed = _waiting.Task;
        if (!_writing)
        {
            _ = PumpAsync();
        }

        return committed;
    }

    private async Task PumpAsync()
    {
        _writing = true;
        try
        {
            while (_waiting is { } batch)
            {
                var gap = Math.Min(maxGap.Ticks, 2 * _lastDuration.Ticks);
                if (Writes > 0 && TimeSpan.FromTicks(gap) - Stopwatch.GetElapsedTime(_lastEnd) is { Ticks: > 0 } rest)
                {
                    // Commits asked for meanwhile join this batch: it is taken only when the write begins.
                    await _delay(rest);
                }

                _waiting = null;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    Writes++;
                    await write();
                    _lastEnd = Stopwatch.GetTimestamp();
                    _lastDuration = Stopwatch.GetElapsedTime(started, _lastEnd);
                    batch.SetResult();
                }
                catch (Exception e)
                {
                    _lastEnd = Stopwatch.GetTimestamp();
                    _lastDuration = Stopwatch.GetElapsedTime(started, _lastEnd);
                    // Every waiter of this batch learns that its change may not be durable; the next write carries it again.
                    batch.SetException(e);
                }
            }
        }
        finally
        {
            _writing = false;
        }
    }
}
