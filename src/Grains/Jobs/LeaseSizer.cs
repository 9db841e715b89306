using SENet.Contracts.Jobs;

namespace SENet.Grains.Jobs;

/// <summary>
/// Sizes the leases of a --shard-size auto job: a lease carries as many consecutive shards as its worker's device runs in
/// about <see cref="Target"/> (from the images/s it measured on its earlier leases), so a fast GPU asks the coordinator
/// once every few seconds rather than for every shard, and a slow CPU holds little. Near the end the leases shrink, as in
/// guided self-scheduling: none takes longer than half the time the whole cluster needs for what is still queued, so the
/// last leases end together instead of one slow device holding the tail. A worker not measured yet gets one shard.
/// Plain (no Orleans), unit-tested; rates live as long as the coordinator's activation and are learnt again after it.
/// </summary>
public sealed class LeaseSizer(TimeSpan target, int maxShardsPerLease = LeaseSizer.DefaultMaxShardsPerLease)
{
    /// <summary>How long one lease should keep a device busy.</summary>
    public static readonly TimeSpan DefaultTarget = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The shard size an auto job plans: small enough that a CPU runs one in a few seconds and the tail is fine-grained,
    /// large enough that the per-shard manifest and predictions part stay few (782 for ImageNet's 50,000 images).
    /// </summary>
    public const int BaseShardSize = JobSpec.AutoBaseShardSize;

    /// <summary>A run's results travel in one completion, one count table per shard: this bounds that message.</summary>
    public const int DefaultMaxShardsPerLease = 512;

    // Earlier leases weigh half: a device's rate settles in a few leases and follows a change (another job on the silo) as quickly.
    private const double Smoothing = 0.5;

    private readonly Dictionary<string, Rate> _rates = [];

    public TimeSpan Target { get; } = target;

    /// <summary>A lease of <paramref name="images"/> took <paramref name="elapsed"/> on <paramref name="worker"/>'s device, holding <paramref name="lanes"/> leases at once.</summary>
    public void Record(string worker, long images, TimeSpan elapsed, int lanes)
    {
        if (images <= 0 || elapsed <= TimeSpan.Zero)
        {
            return;
        }

        var measured = images / elapsed.TotalSeconds;
        var rate = _rates.TryGetValue(worker, out var known) ? known.PerLease * (1 - Smoothing) + measured * Smoothing : measured;
        _rates[worker] = new Rate(rate, Math.Max(lanes, known?.Lanes ?? 1));
    }

    /// <summary>The images/s one lease of <paramref name="worker"/> runs at, once measured.</summary>
    public double? ImagesPerSecond(string worker) => _rates.TryGetValue(worker, out var rate) ? rate.PerLease : null;

    /// <summary>Every measured worker's images/s, all its leases together: the cluster's pace.</summary>
    public double ClusterImagesPerSecond => _rates.Values.Sum(r => r.PerLease * r.Lanes);

    /// <summary>
    /// The shards <paramref name="worker"/>'s next lease carries: its rate × min(target, half the queue's time on the whole
    /// cluster), in shards of <paramref name="shardImages"/>; at least 1. While <paramref name="planningDone"/> is false more
    /// shards are coming, so the queue's length says nothing about the tail yet.
    /// </summary>
    public int ShardsFor(string worker, double shardImages, long pendingImages, bool planningDone)
    {
        if (ImagesPerSecond(worker) is not { } rate || shardImages <= 0)
        {
            return 1;
        }

        var seconds = Target.TotalSeconds;
        if (planningDone && ClusterImagesPerSecond is var cluster and > 0)
        {
            seconds = Math.Min(seconds, pendingImages / cluster / 2);
        }

        return (int)Math.Clamp(Math.Floor(rate * seconds / shardImages), 1, maxShardsPerLease);
    }

    private sealed record Rate(double PerLease, int Lanes);
}
