namespace SENet.Cluster.Tests;

/// <summary>
/// Holds one silo's image reads while closed. Tests that must kill a silo mid-job close it so that the job cannot finish
/// before the kill however fast the machine is: the silo's workers take leases and wait, holding them.
/// </summary>
public sealed class ReadGate
{
    private readonly object _sync = new();
    private TaskCompletionSource _open = Opened();
    private int _waiting;

    /// <summary>Reads waiting at the gate now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public bool IsOpen
    {
        get
        {
            lock (_sync)
            {
                return _open.Task.IsCompleted;
            }
        }
    }

    public void Close()
    {
        lock (_sync)
        {
            if (_open.Task.IsCompleted)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Open()
    {
        lock (_sync)
        {
            _open.TrySetResult();
        }
    }

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        Task open;
        lock (_sync)
        {
            open = _open.Task;
        }

        Interlocked.Increment(ref _waiting);
        try
        {
            await open.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
