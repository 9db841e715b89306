namespace SENet.Contracts.Jobs;

/// <summary>A job refused before any work: bad model, dataset, labels or options. The message says what and how to fix it.</summary>
[GenerateSerializer, Alias("senet.JobRejectedException")]
public sealed class JobRejectedException : Exception
{
    public JobRejectedException(string message)
        : base(message)
    {
    }
}
