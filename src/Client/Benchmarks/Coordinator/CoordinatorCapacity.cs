namespace SENet.Client.Benchmarks.Coordinator;

/// <summary>
/// The largest cluster one coordinator can feed, from what a run measured. Two limits: its throughput (each shard costs
/// a lease and a completion, so a cluster's images/s cannot exceed completions/s × shard size), and its latency (a
/// worker with k shards in flight hides a round trip only while its other k − 1 shards keep the device busy).
/// </summary>
/// <param name="CompletionsPerSecond">Completions/s the coordinator sustained.</param>
/// <param name="Saturated">
/// The devices waited for the coordinator (busy share below <see cref="BusyTarget"/>): the run measured the
/// coordinator's ceiling. Otherwise the devices set the pace and the ceiling is at least what was measured.
/// </param>
/// <param name="ClusterImagesPerSecond">Devices × images/s it can feed at the shard size: completions/s × shard size.</param>
/// <param name="Devices">How many devices of the given speed that is.</param>
/// <param name="DeviceImagesPerSecond">
/// The fastest single device whose round trips (lease + complete at p99) its other shards in flight still cover,
/// at this shard size; infinite when no round trip was measured.
/// </param>
public sealed record CoordinatorCapacity(double CompletionsPerSecond, bool Saturated, double ClusterImagesPerSecond, double Devices, double DeviceImagesPerSecond)
{
    /// <summary>The share of device time a cluster must keep busy for the coordinator to count as keeping up.</summary>
    public const double BusyTarget = 0.99;

    public static CoordinatorCapacity Estimate(double completionsPerSecond, double busyShare, int shardSize, double deviceImagesPerSecond,
        double roundTripSeconds, int shardsInFlight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardsInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(deviceImagesPerSecond, 0);
        var images = completionsPerSecond * shardSize;
        // One shard in flight: the device idles one round trip per shard, so 99 % busy needs a shard 99 round trips long.
        // With more, the others' shard time covers the round trip.
        var coveringSeconds = roundTripSeconds * (shardsInFlight == 1 ? BusyTarget / (1 - BusyTarget) : 1.0 / (shardsInFlight - 1));
        var fastestDevice = roundTripSeconds > 0 ? shardSize / coveringSeconds : double.PositiveInfinity;
        return new CoordinatorCapacity(completionsPerSecond, !(busyShare >= BusyTarget), images, images / deviceImagesPerSecond, fastestDevice);
    }
}
