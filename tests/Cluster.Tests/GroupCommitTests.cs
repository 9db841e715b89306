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
    public async Task UnderLoadACommitWaitsOutTheIntervalAndSharesItsWriteWithEveryCommitMadeMeanwhile()
    {
        var writes = 0;
        var delays = new List<TimeSpan>();
        var interval = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var commit = new GroupCommit(() =>
        {
            writes++;
            return Task.CompletedTask;
        }, TimeSpan.FromHours(1), wait =>
        {
            delays.Add(wait);
            return interval.Task;
        });

        // The first write after a quiet spell goes at once.
        await commit.CommitAsync();
        Assert.Equal((1, 0), (writes, delays.Count));

        var second = commit.CommitAsync();
        var third = commit.CommitAsync();
        Assert.Same(second, third);
        Assert.Equal(1, writes);
        Assert.False(second.IsCompleted, "a commit right after a write was answered before the interval ran out");
        Assert.InRange(Assert.Single(delays), TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));

        interval.SetResult();
        await second;
        Assert.Equal(2, writes);
    }

    [Fact]
    public async Task ACommitAfterTheIntervalIsWrittenWithoutWaiting()
    {
        var delays = 0;
        var commit = new GroupCommit(() => Task.CompletedTask, TimeSpan.FromMilliseconds(1), _ =>
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
