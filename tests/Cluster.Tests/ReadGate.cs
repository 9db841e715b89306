namespace SENet.Cluster.Tests;

/// <summary>
/// Holds one silo's image reads while closed. Tests that must kill a silo mid-job close it so that the job cannot finish
/// before the kill however fast the machine is: the silo's workers take leases and wait, holding them.
/// </summary>
public sealed class ReadGate
{
    private readonly object _sync = new();
    private TaskCompletionSource _open = Opened();

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

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return _open.Task.WaitAsync(cancellationToken);
        }
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
