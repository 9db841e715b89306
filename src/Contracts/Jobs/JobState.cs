namespace SENet.Contracts.Jobs;

[GenerateSerializer, Alias("senet.JobState")]
public enum JobState
{
    NotStarted,
    Running,
    Completed,
    Cancelled,
    Failed,
}
