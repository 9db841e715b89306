using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Pipeline;

namespace SENet.Grains.Workers;

/// <summary>
/// Renews a shard's lease at most once per <paramref name="interval"/> as batches complete; a refused renewal cancels the
/// shard. Renewals run in the background, so the shard must <see cref="StopAsync"/> before it reports its result and
/// disposes <paramref name="leaseLost"/>: a renewal still in flight then would answer after the shard's completion (the
/// coordinator calls the lease gone) and cancel a disposed token source.
/// </summary>
public sealed class LeaseRenewal(ShardLease lease, Func<long, Task<bool>> renewAsync, CancellationTokenSource leaseLost, TimeSpan interval, ILogger logger)
    : IProgress<EvaluationProgress>
{
    private readonly Lock _gate = new();
    private readonly Stopwatch _sinceRenewal = Stopwatch.StartNew();
    private Task _inFlight = Task.CompletedTask;
    private bool _stopped;

    public void Report(EvaluationProgress value)
    {
        lock (_gate)
        {
            if (_stopped || !_inFlight.IsCompleted || _sinceRenewal.Elapsed < interval)
            {
                return;
            }

            _sinceRenewal.Restart();
            // Off the caller's thread: the pipeline reports under its own lock, and the call must not run inside this one.
            var done = value.Done;
            _inFlight = Task.Run(() => RenewAsync(done));
        }
    }

    /// <summary>No renewal starts after this; the one in flight, if any, has finished when it returns.</summary>
    public async Task StopAsync()
    {
        Task last;
        lock (_gate)
        {
            _stopped = true;
            last = _inFlight;
        }

        await last;
    }

    private async Task RenewAsync(long done)
    {
        try
        {
            if (!await renewAsync(done))
            {
                lock (_gate)
                {
                    if (_stopped)
                    {
                        // The shard ended while this renewal was on its way: nothing is left to stop.
                        return;
                    }
                }

                logger.LogInformation("Lease of shard {Shard} of job {Job} is no longer valid: stopping it", lease.ShardId, lease.JobId);
                await leaseLost.CancelAsync();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Renewing the lease of shard {Shard} of job {Job} failed; the shard goes on", lease.ShardId, lease.JobId);
        }
    }
}
