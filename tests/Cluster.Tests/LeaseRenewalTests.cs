using SENet.Contracts.Jobs;
using SENet.Evaluation.Pipeline;
using SENet.Grains.Workers;

namespace SENet.Cluster.Tests;

/// <summary>The shard's lease renewals against the end of the shard: no renewal may outlive the shard's token source.</summary>
public sealed class LeaseRenewalTests
{
    private static readonly ShardLease Lease = new("renewal-job", 3, Guid.NewGuid(), DateTime.UtcNow.AddMinutes(1), 1, false);

    [Fact]
    public async Task ARenewalAnsweredAfterTheShardEndedNeitherWarnsNorTouchesTheDisposedTokenSource()
    {
        var logs = new CapturedLogs();
        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var renewalsAsked = 0;
        var leaseLost = new CancellationTokenSource();
        var renewal = new LeaseRenewal(Lease, _ => { Interlocked.Increment(ref renewalsAsked); return answer.Task; }, leaseLost, TimeSpan.Zero, logs.CreateLogger("renewal"));

        // The last batch's progress starts a renewal; the shard then ends as ShardRunner ends it, while that renewal is
        // still on its way, and the coordinator, having merged the shard, answers that the lease is gone.
        renewal.Report(new EvaluationProgress(8, 0, 8, TimeSpan.FromSeconds(1)));
        while (Volatile.Read(ref renewalsAsked) == 0)
        {
            await Task.Yield();
        }

        var stopping = renewal.StopAsync();
        Assert.False(stopping.IsCompleted, "the shard ended with its last renewal still on its way");
        answer.SetResult(false);
        await stopping;
        Assert.False(leaseLost.IsCancellationRequested);
        leaseLost.Dispose();
        renewal.Report(new EvaluationProgress(8, 0, 8, TimeSpan.FromSeconds(2)));
        await renewal.StopAsync();

        Assert.Equal(1, renewalsAsked);
        Assert.DoesNotContain(logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("ObjectDisposedException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARefusedRenewalWhileTheShardRunsCancelsIt()
    {
        var logs = new CapturedLogs();
        using var leaseLost = new CancellationTokenSource();
        var renewal = new LeaseRenewal(Lease, _ => Task.FromResult(false), leaseLost, TimeSpan.Zero, logs.CreateLogger("renewal"));

        renewal.Report(new EvaluationProgress(4, 0, 8, TimeSpan.FromSeconds(1)));
        while (!leaseLost.IsCancellationRequested)
        {
            await Task.Yield();
        }

        await renewal.StopAsync();
        Assert.Contains(logs.Lines, l => l.Contains("no longer valid", StringComparison.Ordinal));
    }
}
