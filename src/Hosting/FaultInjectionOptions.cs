namespace SENet.Silo.Hosting;

/// <summary>
/// Configuration section <c>SENet:FaultInjection</c>: faults a silo causes on purpose, for rehearsing failures (chaos
/// tests, the poison-shard quarantine test). Empty in production.
/// </summary>
public sealed class FaultInjectionOptions
{
    public const string Section = "SENet:FaultInjection";

    /// <summary>The silo kills its own process (SIGKILL, no goodbye) when it reads an image of this file name.</summary>
    public string? TerminateOnImage { get; set; }
}
