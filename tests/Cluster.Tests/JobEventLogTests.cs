using SENet.Contracts.Jobs;
using SENet.Grains.Jobs;

namespace SENet.Cluster.Tests;

/// <summary>What a watcher reads of a job's failures: each once, in order, paged, the oldest dropped past the bound and counted.</summary>
public sealed class JobEventLogTests
{
    [Fact]
    public void AWatcherReadsEachEventOnceInPagesFromWhereItStopped()
    {
        var log = new JobEventLog(capacity: 10, page: 2);
        for (var i = 0; i < 5; i++)
        {
            log.Add(JobEventKind.ImageFailed, $"img{i}.jpg", "decode: truncated", "w");
        }

        var seen = new List<string>();
        long next = 0;
        for (var read = log.Since(next); read.Events.Count > 0; read = log.Since(next))
        {
            Assert.True(read.Events.Count <= 2);
            Assert.Equal(0, read.Missed);
            seen.AddRange(read.Events.Select(e => e.Subject));
            next = read.Next;
        }

        log.Add(JobEventKind.WorkerStopped, "w", "no device", "w");
        var later = log.Since(next);

        Assert.Equal(["img0.jpg", "img1.jpg", "img2.jpg", "img3.jpg", "img4.jpg"], seen);
        Assert.Equal((JobEventKind.WorkerStopped, "w", 6L), (Assert.Single(later.Events).Kind, later.Events[0].Subject, later.Next));
        Assert.Equal(log.Epoch, later.Epoch);
    }

    [Fact]
    public void PastItsBoundTheLogKeepsTheLatestAndCountsWhatAReaderMissed()
    {
        var log = new JobEventLog(capacity: 3, page: 100);
        for (var i = 0; i < 8; i++)
        {
            log.Add(JobEventKind.ImageFailed, $"img{i}.jpg", "r", null);
        }

        var fromStart = log.Since(0);
        var fromMiddle = log.Since(6);

        Assert.Equal((5L, 8L), (fromStart.Missed, fromStart.Next));
        Assert.Equal(["img5.jpg", "img6.jpg", "img7.jpg"], fromStart.Events.Select(e => e.Subject));
        Assert.Equal(0L, fromMiddle.Missed);
        Assert.Equal(["img6.jpg", "img7.jpg"], fromMiddle.Events.Select(e => e.Subject));
        Assert.NotEqual(log.Epoch, new JobEventLog().Epoch);
    }
}
