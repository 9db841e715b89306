namespace SENet.Client.Benchmarks.Coordinator;

/// <summary>Latencies of one kind of call, recorded from many simulated devices at once; percentiles by nearest rank.</summary>
public sealed class LatencyRecorder
{
    private readonly List<double> _seconds = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _seconds.Count;
            }
        }
    }

    public void Add(double seconds)
    {
        lock (_gate)
        {
            _seconds.Add(seconds);
        }
    }

    /// <summary>
    /// The smallest recorded latency that at least <paramref name="percent"/> % of calls did not exceed (nearest rank);
    /// NaN when nothing was recorded.
    /// </summary>
    public double Percentile(double percent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        double[] sorted;
        lock (_gate)
        {
            sorted = [.. _seconds];
        }

        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
