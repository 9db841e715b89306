namespace SENet.Contracts.Jobs;

[GenerateSerializer, Alias("senet.JobState")]
public enum JobState
{
    NotStarted,
    Running,
    Completed,
    Cancelled,
    Failed,

    /// <summary>
    /// Validated and accepted; the dataset is still being listed into shards, which workers lease as they are planned.
    /// The job's total is not known yet: status counts what is planned so far. Last, so stored values keep their meaning.
    /// </summary>
    Planning,
}
