namespace SENet.Contracts.Jobs;

/// <summary>What a <see cref="JobEvent"/> reports.</summary>
[GenerateSerializer, Alias("senet.JobEventKind")]
public enum JobEventKind
{
    /// <summary>An image failed (its subject is the image, its reason the stage and why).</summary>
    ImageFailed,

    /// <summary>A worker gave up on the job or could not start (its subject is the worker).</summary>
    WorkerStopped,
}
