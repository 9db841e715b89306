namespace SENet.Grains.Jobs;

/// <summary>
/// Group commit: one durable write at a time, and every change asked for while a write is under way is carried by the
/// next one, so many completions cost one write. <see cref="CommitAsync"/> completes once a write that began after the
/// call has succeeded, so a caller answered after it knows its change is durable. Runs on the grain's scheduler (one
/// thread), so it needs no lock; <paramref name="write"/> must take its snapshot before its first await.
/// </summary>
public sealed class GroupCommit(Func<Task> write)
{
    private TaskCompletionSource? _waiting;
    private bool _writing;

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
                _waiting = null;
                try
                {
                    Writes++;
                    await write();
                    batch.SetResult();
                }
                catch (Exception e)
                {
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
