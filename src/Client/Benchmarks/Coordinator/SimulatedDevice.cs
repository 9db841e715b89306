namespace SENet.Client.Benchmarks.Coordinator;

/// <summary>
/// One simulated accelerator: it runs the shards its worker's lanes hand it one after another at
/// <see cref="ImagesPerSecond"/>, time-compressed by <see cref="Compression"/> (a shard of n images occupies it for
/// n / imagesPerSecond / compression seconds of wall time). A shard handed over while it is busy starts when the one
/// before ends, as the next shard of a two-in-flight GPU worker does, so the device idles only when no lane has a shard
/// ready: the time the coordinator failed to feed it. Times are seconds on one clock of the caller's choosing.
/// </summary>
public sealed class SimulatedDevice(string worker, double imagesPerSecond, double compression)
{
    private readonly List<(double Start, double End)> _busy = [];
    private readonly Lock _gate = new();
    private double _busyUntil = double.NegativeInfinity;
    private double _retiredAt = double.PositiveInfinity;

    /// <summary>The worker key the device's lanes lease under (<c>silo|device</c>).</summary>
    public string Worker { get; } = worker;

    public double ImagesPerSecond { get; } = imagesPerSecond > 0 && double.IsFinite(imagesPerSecond)
        ? imagesPerSecond
        : throw new ArgumentOutOfRangeException(nameof(imagesPerSecond), imagesPerSecond, "A device runs a positive, finite number of images a second.");

    public double Compression { get; } = compression > 0 && double.IsFinite(compression)
        ? compression
        : throw new ArgumentOutOfRangeException(nameof(compression), compression, "The time compression is a positive, finite factor.");

    /// <summary>Wall seconds a shard of <paramref name="images"/> occupies the device.</summary>
    public double ShardSeconds(int images) => images / ImagesPerSecond / Compression;

    /// <summary>
    /// Hands the device a shard of <paramref name="seconds"/> at <paramref name="now"/>; returns when it will have run it:
    /// after whatever it is running, or from now when it is idle.
    /// </summary>
    public double Run(double now, double seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seconds);
        lock (_gate)
        {
            var start = Math.Max(now, _busyUntil);
            _busyUntil = start + seconds;
            _busy.Add((start, _busyUntil));
            return _busyUntil;
        }
    }

    /// <summary>When the device was first handed a shard; infinity while it has had none.</summary>
    public double FirstStart
    {
        get
        {
            lock (_gate)
            {
                return _busy.Count > 0 ? _busy[0].Start : double.PositiveInfinity;
            }
        }
    }

    /// <summary>The device is gone from <paramref name="at"/> (its silo died, or it hung): its time after that is neither busy nor owed.</summary>
    public void Retire(double at)
    {
        lock (_gate)
        {
            _retiredAt = Math.Min(_retiredAt, at);
        }
    }

    public bool IsRetired
    {
        get
        {
            lock (_gate)
            {
                return !double.IsPositiveInfinity(_retiredAt);
            }
        }
    }

    /// <summary>Seconds of [<paramref name="from"/>, <paramref name="to"/>] the device was alive.</summary>
    public double LiveSeconds(double from, double to)
    {
        lock (_gate)
        {
            return Math.Max(0, Math.Min(to, _retiredAt) - from);
        }
    }

    /// <summary>Seconds of [<paramref name="from"/>, <paramref name="to"/>] the device spent running shards while alive.</summary>
    public double BusySeconds(double from, double to)
    {
        lock (_gate)
        {
            var end = Math.Min(to, _retiredAt);
            return _busy.Sum(b => Math.Max(0, Math.Min(b.End, end) - Math.Max(b.Start, from)));
        }
    }

    /// <summary>Wall-time offsets within a shard of <paramref name="seconds"/> at which its lease is renewed: every <paramref name="period"/>, none at the end.</summary>
    public static IReadOnlyList<double> RenewalOffsets(double seconds, double period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, 0);
        var offsets = new List<double>();
        for (var at = period; at < seconds; at += period)
        {
            offsets.Add(at);
        }

        return offsets;
    }

    /// <summary>The share of the live devices' time in [<paramref name="from"/>, <paramref name="to"/>] spent running shards; NaN for no live time.</summary>
    public static double BusyShare(IEnumerable<SimulatedDevice> devices, double from, double to)
    {
        double busy = 0, live = 0;
        foreach (var device in devices)
        {
            busy += device.BusySeconds(from, to);
            live += device.LiveSeconds(from, to);
        }

        return live > 0 ? busy / live : double.NaN;
    }
}
