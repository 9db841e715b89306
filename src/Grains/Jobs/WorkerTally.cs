namespace SENet.Grains.Jobs;

/// <summary>What one worker contributed to a job.</summary>
[GenerateSerializer, Alias("senet.WorkerTally")]
public sealed class WorkerTally
{
    [Id(0)] public string Device { get; set; } = "";

    [Id(1)] public long Images { get; set; }

    [Id(2)] public int Shards { get; set; }

    [Id(3)] public string? LastError { get; set; }

    /// <summary>The worker gave up on the job; <see cref="LastError"/> says why.</summary>
    [Id(4)] public bool Stopped { get; set; }

    public WorkerTally Copy() => new() { Device = Device, Images = Images, Shards = Shards, LastError = LastError, Stopped = Stopped };

    /// <summary>Whether <paramref name="other"/> holds the same figures (a tally left out of a log entry when unchanged).</summary>
    public bool SameAs(WorkerTally other) =>
        Images == other.Images && Shards == other.Shards && Stopped == other.Stopped && Device == other.Device && LastError == other.LastError;
}
