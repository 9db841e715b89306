using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace SENet.Grains.Workers;

/// <summary>
/// A worker's calls to its job's coordinator, retried through the failures a coordinator's failover causes (its silo
/// dead, its activation moving, its storage briefly away) rather than ending the lease loop that made them. The
/// coordinator merges by shard id, so a completion sent twice still counts once.
/// </summary>
public sealed class CoordinatorRetry
{
    /// <summary>With the default delays, about 80 s of retries: longer than Orleans takes to declare a silo dead.</summary>
    public const int DefaultAttempts = 20;

    private readonly ResiliencePipeline _pipeline;

    public CoordinatorRetry(ILogger logger, int maxRetryAttempts = DefaultAttempts, TimeSpan? firstDelay = null, TimeSpan? maxDelay = null)
    {
        _pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = firstDelay ?? TimeSpan.FromMilliseconds(250),
                MaxDelay = maxDelay ?? TimeSpan.FromSeconds(5),
                MaxRetryAttempts = maxRetryAttempts,
                OnRetry = args =>
                {
                    logger.LogWarning("A call to the job's coordinator failed (attempt {Attempt}): {Error}; retrying in {Delay:F1} s",
                        args.AttemptNumber + 1, args.Outcome.Exception?.Message, args.RetryDelay.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken) =>
        await _pipeline.ExecuteAsync(async _ => await call(), cancellationToken);

    public async Task CallAsync(Func<Task> call, CancellationToken cancellationToken) =>
        await _pipeline.ExecuteAsync(async _ => await call(), cancellationToken);
}
