using SENet.Grains.Jobs;

namespace SENet.Cluster.Tests;

/// <summary>A lease request's wait for shards while its job plans, on a clock the test moves.</summary>
public sealed class LeaseWhilePlanningTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(10);

    [Fact]
    public async Task APauseBetweenTheChecksOfTheClockEndsTheWaitInsteadOfFailingTheLeaseRequest()
    {
        // Every reading of the clock is 6 ms after the one before, as across a collection's pause on a loaded machine: the
        // wait has 4 ms left when checked, and would be 2 ms overdrawn by the time a delay is asked for it.
        var time = new SteppingTime(TimeSpan.FromMilliseconds(6));
        var asked = 0;

        var lease = await LeaseWhilePlanning.WaitAsync<string>(() => { asked++; return null; }, () => true, () => Never, Wait, time);

        Assert.Null(lease);
        Assert.InRange(asked, 2, 3);
    }

    [Fact]
    public async Task ShardsPlannedWakeTheWaitAndTheirLeaseIsHandedOut()
    {
        var planned = new TaskCompletionSource();
        var shards = new Queue<string?>([null, "shard 0"]);

        var waiting = LeaseWhilePlanning.WaitAsync(() => shards.Count > 0 ? shards.Dequeue() : null, () => true, () => planned.Task, TimeSpan.FromMinutes(5), TimeProvider.System).AsTask();
        planned.SetResult();

        Assert.Equal("shard 0", await waiting.WaitAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task AJobNoLongerPlanningIsNotWaitedFor()
    {
        var lease = await LeaseWhilePlanning.WaitAsync<string>(() => null, () => false, () => Never, TimeSpan.FromMinutes(5), TimeProvider.System).AsTask().WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Null(lease);
    }

    private static Task Never { get; } = new TaskCompletionSource().Task;

    private sealed class SteppingTime(TimeSpan step) : TimeProvider
    {
        private long _now;

        public override long GetTimestamp() => _now += (long)(step.TotalSeconds * TimestampFrequency);
    }
}
