namespace SENet.Grains.Jobs;

/// <summary>
/// How a lease request that finds no shard waits while its job plans: it asks again each time shards are planned, until
/// it gets one, the job leaves planning, or the wait is over.
/// </summary>
public static class LeaseWhilePlanning
{
    /// <summary>
    /// The first lease <paramref name="next"/> hands out within <paramref name="wait"/> while <paramref name="planning"/>
    /// holds, each round woken by <paramref name="planned"/> (read afresh: it is replaced as shards are planned); null if none.
    /// </summary>
    public static async ValueTask<T?> WaitAsync<T>(Func<T?> next, Func<bool> planning, Func<Task> planned, TimeSpan wait, TimeProvider time)
        where T : class
    {
        var start = time.GetTimestamp();
        var lease = next();
        // What is left is read once a round: read again for the delay, a pause between the two readings (a collection on
        // a loaded machine) could ask Task.Delay for a negative time, which throws and failed the worker's lease call.
        for (TimeSpan left; lease is null && planning() && (left = wait - time.GetElapsedTime(start)) > TimeSpan.Zero; lease = next())
        {
            await Task.WhenAny(planned(), Task.Delay(left, time));
        }

        return lease;
    }
}
