using SENet.Contracts.Jobs;

namespace SENet.Client.Cluster;

/// <summary>
/// Reads a job's events once each: from where the last read stopped, from 0 again when the coordinator moved (its log
/// is per activation), until none is left.
/// </summary>
public sealed class EventCursor(IEvaluationJobGrain job)
{
    private string? _epoch;
    private long _next;

    public async Task DrainAsync(Action<JobEvent> onEvent, Action<long> onMissed)
    {
        while (true)
        {
            var page = await job.GetEventsAsync(_next);
            if (_epoch is not null && page.Epoch != _epoch)
            {
                // A new coordinator activation numbers its events from 0: ask again from there.
                (_epoch, _next) = (page.Epoch, 0);
                page = await job.GetEventsAsync(0);
            }

            _epoch = page.Epoch;
            if (page.Missed > 0)
            {
                onMissed(page.Missed);
            }

            foreach (var jobEvent in page.Events)
            {
                onEvent(jobEvent);
            }

            _next = page.Next;
            if (page.Events.Count == 0)
            {
                return;
            }
        }
    }
}
