using SENet.Contracts.Jobs;

namespace SENet.Client.Benchmarks.Coordinator;

/// <summary>Asks a job its status every 100 ms while it says planning, as a client watching a fresh job does: how fast status answers while the listing runs in the background.</summary>
public static class PlanningProbe
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    /// <summary>Records each status call's latency until one says the job is no longer planning; returns when that was (<paramref name="now"/>'s clock), NaN if stopped first.</summary>
    public static async Task<double> PollAsync(IEvaluationJobGrain job, LatencyRecorder latencies, Func<double> now, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var asked = now();
            JobStatus status;
            try
            {
                status = await job.GetStatusAsync();
            }
            catch (TimeoutException)
            {
                // Queued behind a call longer than the response timeout: recorded as what it waited.
                latencies.Add(now() - asked);
                continue;
            }

            var answered = now();
            latencies.Add(answered - asked);
            if (status.State != JobState.Planning)
            {
                return answered;
            }

            try
            {
                await Task.Delay(Period, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return double.NaN;
    }
}
