namespace SENet.Cluster.Tests;

/// <summary>
/// A fault in one dataset's listing (see <see cref="ListingFaults"/>): after <paramref name="HoldAfter"/> files, each
/// listing of it waits until <see cref="Release"/>; after <paramref name="FailAfter"/> files, it breaks; with
/// <paramref name="HoldFolders"/>, its class-folder listing waits until <see cref="Release"/>. Deterministic, so a test
/// can act while a job is planning however fast the machine is.
/// </summary>
public sealed record ListingFault(int? HoldAfter = null, int? FailAfter = null, bool HoldFolders = false)
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _holding;
    private int _stopped;

    /// <summary>Listings waiting at the hold now.</summary>
    public int Holding => Volatile.Read(ref _holding);

    /// <summary>Listings that were cancelled while they waited at the hold: their job stopped them.</summary>
    public int Stopped => Volatile.Read(ref _stopped);

    public void Release() => _released.TrySetResult();

    public async Task HoldAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _holding);
        try
        {
            await _released.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _stopped);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _holding);
        }
    }
}
