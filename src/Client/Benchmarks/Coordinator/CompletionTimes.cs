namespace SENet.Client.Benchmarks.Coordinator;

/// <summary>
/// When each merged completion returned, in the order they were counted. Their steady rate leaves out the start (the
/// devices' first leases all at once) and the tail (fewer shards left than devices), which say little about the
/// coordinator's pace.
/// </summary>
public sealed class CompletionTimes(int capacity)
{
    private readonly double[] _times = new double[capacity];
    private int _count;

    public int Count => Math.Min(Volatile.Read(ref _count), _times.Length);

    /// <summary>Records a merged completion at <paramref name="now"/>; returns how many are recorded now.</summary>
    public int Add(double now)
    {
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _times.Length)
        {
            _times[index] = now;
        }

        return index + 1;
    }

    /// <summary>
    /// Completions per second between the 10th and the 90th percentile of completions (by time); over all of them
    /// when there are fewer than 10; NaN with fewer than 2 or no time between them.
    /// </summary>
    public double SteadyRate()
    {
        var times = _times.AsSpan(0, Count).ToArray();
        Array.Sort(times);
        if (times.Length < 2)
        {
            return double.NaN;
        }

        var (first, last) = times.Length < 10 ? (0, times.Length - 1) : (times.Length / 10, times.Length * 9 / 10);
        var seconds = times[last] - times[first];
        return seconds > 0 ? (last - first) / seconds : double.NaN;
    }
}
