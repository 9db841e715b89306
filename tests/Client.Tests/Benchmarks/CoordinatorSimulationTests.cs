using SENet.Client.Benchmarks.Coordinator;

namespace SENet.Client.Tests.Benchmarks;

/// <summary>The coordinator benchmark's plain parts: percentiles, the device model, the capacity it derives.</summary>
public sealed class CoordinatorSimulationTests
{
    [Fact]
    public void PercentilesAreNearestRankOverWhateverOrderTheCallsEnded()
    {
        var latencies = new LatencyRecorder();
        foreach (var value in Enumerable.Range(1, 200).OrderBy(i => (i * 7919) % 200))
        {
            latencies.Add(value / 1000.0);
        }

        Assert.Equal(0.100, latencies.Percentile(50));
        Assert.Equal(0.198, latencies.Percentile(99));
        Assert.Equal(0.200, latencies.Percentile(100));
        Assert.Equal(0.001, latencies.Percentile(0.1));
        Assert.Equal(200, latencies.Count);
    }

    [Fact]
    public void APercentileOfNoCallsIsNaNAndAMeaninglessPercentIsRefused()
    {
        var latencies = new LatencyRecorder();
        Assert.True(double.IsNaN(latencies.Percentile(99)));
        Assert.Throws<ArgumentOutOfRangeException>(() => latencies.Percentile(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => latencies.Percentile(101));
    }

    [Fact]
    public void AShardOccupiesItsDeviceForItsImagesAtTheDevicesSpeedCompressed()
    {
        var device = new SimulatedDevice("silo|cuda:0", imagesPerSecond: 3_000, compression: 10);
        Assert.Equal(256.0 / 30_000, device.ShardSeconds(256), 12);
        Assert.Equal(1.0 / 3_000, new SimulatedDevice("silo|cuda:1", 3_000, 1).ShardSeconds(1), 12);
    }

    [Fact]
    public void AShardHandedToABusyDeviceRunsAfterTheOneBeforeSoOnlyGapsAreIdle()
    {
        var device = new SimulatedDevice("silo|cuda:0", 100, 1);

        Assert.Equal(1.0, device.Run(now: 0.0, seconds: 1.0));
        Assert.Equal(2.0, device.Run(now: 0.5, seconds: 1.0));   // queued behind the first
        Assert.Equal(3.5, device.Run(now: 2.5, seconds: 1.0));   // the device idled from 2.0 to 2.5

        Assert.Equal(3.0, device.BusySeconds(0, 4), 12);
        Assert.Equal(2.5, device.BusySeconds(0, 3), 12);
        Assert.Equal(1.0, device.BusySeconds(1.5, 3), 12);
        Assert.Equal(4.0, device.LiveSeconds(0, 4), 12);
        Assert.Equal(2.5 / 3, SimulatedDevice.BusyShare([device], 0, 3), 12);
    }

    [Fact]
    public void ARetiredDeviceIsNeitherBusyNorOwedTimeAfterItDied()
    {
        var working = new SimulatedDevice("silo|cuda:0", 100, 1);
        var dead = new SimulatedDevice("silo|cuda:1", 100, 1);
        working.Run(0, 4);
        dead.Run(0, 4);
        dead.Retire(1);
        dead.Retire(3);   // the first death counts

        Assert.True(dead.IsRetired);
        Assert.False(working.IsRetired);
        Assert.Equal(1.0, dead.LiveSeconds(0, 4), 12);
        Assert.Equal(1.0, dead.BusySeconds(0, 4), 12);
        Assert.Equal(0.0, dead.LiveSeconds(2, 4), 12);
        Assert.Equal(1.0, SimulatedDevice.BusyShare([working, dead], 0, 4), 12);
        Assert.True(double.IsNaN(SimulatedDevice.BusyShare([dead], 2, 4)));
    }

    [Fact]
    public void AnIdleDeviceCountsAgainstTheBusyShare()
    {
        var busy = new SimulatedDevice("silo|cuda:0", 100, 1);
        var idle = new SimulatedDevice("silo|cuda:1", 100, 1);
        busy.Run(0, 10);

        Assert.Equal(0.5, SimulatedDevice.BusyShare([busy, idle], 0, 10), 12);
    }

    [Fact]
    public void TheSteadyShareStartsOnceTheLastDeviceHadItsFirstShard()
    {
        // Two devices: one fed at once, one only after the start's burst of first leases (0.3 s); then both kept busy.
        var early = new SimulatedDevice("s|cuda:0", 100, 1);
        var late = new SimulatedDevice("s|cuda:1", 100, 1);
        Assert.True(double.IsPositiveInfinity(late.FirstStart));
        early.Run(0, 1);
        late.Run(0.3, 0.7);
        late.Run(0.5, 0.5);

        var allStarted = new[] { early, late }.Max(d => d.FirstStart);
        Assert.Equal(0.3, allStarted);
        Assert.Equal(1.7 / 2, SimulatedDevice.BusyShare([early, late], 0, 1), 9);
        Assert.Equal(1.0, SimulatedDevice.BusyShare([early, late], allStarted, 1), 9);
    }

    [Fact]
    public void LeasesAreRenewedEveryPeriodWhileTheShardRunsButNotAtItsEnd()
    {
        Assert.Equal([0.25, 0.5, 0.75], SimulatedDevice.RenewalOffsets(1.0, 0.25));
        Assert.Equal([0.25], SimulatedDevice.RenewalOffsets(0.4, 0.25));
        Assert.Empty(SimulatedDevice.RenewalOffsets(0.1, 0.25));
        Assert.Throws<ArgumentOutOfRangeException>(() => SimulatedDevice.RenewalOffsets(1, 0));
    }

    [Fact]
    public void ADeviceWithoutSpeedOrTimeIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedDevice("w", 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedDevice("w", double.NaN, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedDevice("w", 10, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedDevice("w", 10, 1).Run(0, -1));
    }

    [Fact]
    public void TheCoordinatorFeedsCompletionsTimesShardSizeImagesAndSaysWhetherTheRunFoundItsCeiling()
    {
        var saturated = CoordinatorCapacity.Estimate(completionsPerSecond: 400, busyShare: 0.5, shardSize: 256, deviceImagesPerSecond: 3_000, roundTripSeconds: 0.1, shardsInFlight: 2);
        Assert.True(saturated.Saturated);
        Assert.Equal(102_400, saturated.ClusterImagesPerSecond, 9);
        Assert.Equal(102_400 / 3_000.0, saturated.Devices, 9);
        // Two in flight: the other shard (256 images) must last the 0.1 s round trip.
        Assert.Equal(2_560, saturated.DeviceImagesPerSecond, 9);

        var keptUp = CoordinatorCapacity.Estimate(400, 0.995, 256, 3_000, 0.1, 3);
        Assert.False(keptUp.Saturated);
        Assert.Equal(5_120, keptUp.DeviceImagesPerSecond, 9);

        // One in flight: 99 % busy needs a shard 99 round trips long.
        Assert.Equal(256 / 9.9, CoordinatorCapacity.Estimate(400, 0.995, 256, 3_000, 0.1, 1).DeviceImagesPerSecond, 9);
        Assert.True(CoordinatorCapacity.Estimate(400, double.NaN, 256, 3_000, 0.1, 2).Saturated);
        Assert.True(double.IsPositiveInfinity(CoordinatorCapacity.Estimate(400, 1, 256, 3_000, 0, 2).DeviceImagesPerSecond));
    }

    [Fact]
    public void TheSteadyRateLeavesOutTheFirstAndLastTenthOfCompletions()
    {
        var times = new CompletionTimes(200);
        // A slow start and a long tail around a steady 100 a second, recorded out of order.
        foreach (var at in Enumerable.Range(0, 80).Select(i => 5.0 + i * 0.01).Concat(Enumerable.Range(0, 10).Select(i => i * 0.5)).Concat(Enumerable.Range(0, 10).Select(i => 6.0 + i * 3)).Reverse())
        {
            times.Add(at);
        }

        Assert.Equal(100, times.Count);
        // Completions 10 to 90 by time: the steady run from 5.00 s, through 5.79 s, to the tail's first at 6.00 s.
        Assert.Equal(80 / (6.0 - 5.0), times.SteadyRate(), 9);
    }

    [Fact]
    public void AFewCompletionsGiveTheirOverallRateAndOneGivesNone()
    {
        var few = new CompletionTimes(10);
        foreach (var at in new[] { 4.0, 0.0, 2.0, 1.0, 3.0 })
        {
            few.Add(at);
        }

        var one = new CompletionTimes(10);
        one.Add(1);
        var full = new CompletionTimes(2);
        full.Add(0);
        full.Add(1);

        Assert.Equal(1.0, few.SteadyRate(), 12);
        Assert.True(double.IsNaN(one.SteadyRate()));
        Assert.Equal(3, full.Add(2));
        Assert.Equal(2, full.Count);
        Assert.Equal(1.0, full.SteadyRate(), 12);
    }

    [Fact]
    public void SlowDevicesSitBeforeTheHungOnesAndTheFleetsSpeedCountsOnlyWorkingDevices()
    {
        var options = new CoordinatorBenchmarkOptions(Devices: 6, ImagesPerSecond: 1_000, HungDevices: 1, SlowDevices: 2, SlowImagesPerSecond: 10);

        Assert.Equal([1_000, 1_000, 1_000, 10, 10, 1_000], Enumerable.Range(0, 6).Select(options.SpeedOf));
        Assert.Equal(3_020, options.FleetImagesPerSecond);
        var error = Assert.Throws<ArgumentException>(() => (options with { SlowDevices = 5 }).Validate());
        Assert.Contains("--slow-devices 5 cannot work", error.Message);
    }
}
