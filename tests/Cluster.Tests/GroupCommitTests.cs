using SENet.Grains.Jobs;

namespace SENet.Cluster.Tests;

/// <summary>Group commit alone: commits asked for during a write share the next one, and each is answered only after a write that began after it.</summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task CommitsDuringAWriteShareTheNextWriteAndWaitForIt()
    {
        var writes = new List<TaskCompletionSource>();
        var commit = new GroupCommit(() =>
        {
            var write = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            writes.Add(write);
            return write.Task;
        });

        var first = commit.CommitAsync();
        var second = commit.CommitAsync();
        var third = commit.CommitAsync();
        Assert.Single(writes);
        Assert.Same(second, third);

        writes[0].SetResult();
        await first;
        await WaitUntilAsync(() => writes.Count == 2);
        Assert.False(second.IsCompleted, "a commit asked for during a write was answered by that write");
        writes[1].SetResult();
        await second;
        Assert.Equal(2, commit.Writes);
    }

    [Fact]
    public async Task AFailedWriteFailsItsCommitsAndTheNextCommitWritesAgain()
    {
        var fail = true;
        var commit = new GroupCommit(() => fail ? Task.FromException(new IOException("storage away")) : Task.CompletedTask);

        await Assert.ThrowsAsync<IOException>(commit.CommitAsync);
        fail = false;
        await commit.CommitAsync();
        Assert.Equal(2, commit.Writes);
    }

    [Fact]
    public async Task UnderLoadACommitWaitsTwiceTheLastWritesDurationAndSharesItsWriteWithEveryCommitMadeMeanwhile()
    {
        var writes = 0;
        var delays = new List<TimeSpan>();
        var gap = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var commit = new GroupCommit(async () =>
        {
            writes++;
            await Task.Delay(500);
        }, TimeSpan.FromHours(1), wait =>
        {
            delays.Add(wait);
            return gap.Task;
        });

        // The first write goes at once.
        await commit.CommitAsync();
        Assert.Equal((1, 0), (writes, delays.Count));

        var second = commit.CommitAsync();
        var third = commit.CommitAsync();
        Assert.Same(second, third);
        Assert.Equal(1, writes);
        Assert.False(second.IsCompleted, "a commit right after a write was answered before the gap ran out");
        // The first write's answer may reach this test before its pump has looked for the next batch (no grain scheduler here).
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref writes) == 1 && delays.Count > 0, TimeSpan.FromSeconds(10)), "the second commit never waited out a gap");
        // Twice a write of at least 500 ms, less the moments since it ended: far more than one write's time, far less than the limit.
        Assert.InRange(Assert.Single(delays), TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(1));

        gap.SetResult();
        await second;
        Assert.Equal(2, writes);
    }

    [Fact]
    public async Task ACommitAfterAQuietSpellOrAfterCheapWritesIsWrittenWithoutWaiting()
    {
        var delays = 0;
        var commit = new GroupCommit(() => Task.CompletedTask, TimeSpan.FromHours(1), _ =>
        {
            delays++;
            return Task.CompletedTask;
        });

        await commit.CommitAsync();
        await Task.Delay(50);
        await commit.CommitAsync();

        Assert.Equal((2L, 0), (commit.Writes, delays));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
