using Microsoft.Extensions.Logging.Abstractions;
using SENet.Grains.Workers;

namespace SENet.Cluster.Tests;

public sealed class CoordinatorRetryTests
{
    private static CoordinatorRetry Retry(int attempts = 5) =>
        new(NullLogger.Instance, attempts, firstDelay: TimeSpan.FromMilliseconds(1), maxDelay: TimeSpan.FromMilliseconds(5));

    [Fact]
    public async Task ACallThatFailsWhileTheCoordinatorMovesIsRetriedUntilItAnswers()
    {
        var calls = 0;
        var answer = await Retry().CallAsync(() => ++calls < 3 ? throw new SiloUnavailableException("the coordinator's silo is gone") : Task.FromResult(42), CancellationToken.None);

        Assert.Equal((42, 3), (answer, calls));
    }

    [Fact]
    public async Task ACoordinatorThatNeverAnswersFailsTheCallAfterTheLastAttempt()
    {
        var calls = 0;
        var error = await Assert.ThrowsAsync<TimeoutException>(() => Retry(attempts: 4).CallAsync(() =>
        {
            calls++;
            return Task.FromException(new TimeoutException("no response"));
        }, CancellationToken.None));

        Assert.Equal("no response", error.Message);
        Assert.Equal(5, calls);
    }

    [Fact]
    public async Task ACancelledCallIsNotRetriedAndCancellingStopsTheRetries()
    {
        var calls = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Retry().CallAsync(() =>
        {
            calls++;
            return Task.FromCanceled<int>(new CancellationToken(canceled: true));
        }, CancellationToken.None));
        Assert.Equal(1, calls);

        using var stop = new CancellationTokenSource();
        var stopped = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new CoordinatorRetry(NullLogger.Instance, 100, TimeSpan.FromSeconds(30)).CallAsync(() =>
        {
            stopped++;
            stop.Cancel();
            return Task.FromException(new TimeoutException("no response"));
        }, stop.Token));
        Assert.Equal(1, stopped);
    }
}
