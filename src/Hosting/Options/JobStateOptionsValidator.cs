using Microsoft.Extensions.Options;
using SENet.Grains.Jobs;

namespace SENet.Silo.Hosting;

/// <summary>Refuses <c>SENet:JobState</c> settings a coordinator cannot store its job with, naming the key.</summary>
public sealed class JobStateOptionsValidator : IValidateOptions<JobStateOptions>
{
    public ValidateOptionsResult Validate(string? name, JobStateOptions options)
    {
        var failures = new List<string>();
        if (options.ShardsPerPartition < 1)
        {
            failures.Add($"{JobStateOptions.Section}:ShardsPerPartition={options.ShardsPerPartition} must be 1 or more (shard rows per stored partition; default {JobStateStore.DefaultPartitionSize}).");
        }

        if (options.OverlayLimit < 1)
        {
            failures.Add($"{JobStateOptions.Section}:OverlayLimit={options.OverlayLimit} must be 1 or more (changed rows kept in the job record; default {JobStateStore.DefaultOverlayLimit}).");
        }

        if (options.LogSlots < 1)
        {
            failures.Add($"{JobStateOptions.Section}:LogSlots={options.LogSlots} must be 1 or more (commits between two checkpoints of the job's record; default {JobStateStore.DefaultLogSlots}).");
        }

        if (options.CommitInterval < TimeSpan.Zero || options.CommitInterval > TimeSpan.FromSeconds(10))
        {
            failures.Add($"{JobStateOptions.Section}:CommitInterval={options.CommitInterval} must be from 00:00:00 to 00:00:10 (the longest a job's next write waits after one; default {JobStateOptions.DefaultCommitInterval}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
