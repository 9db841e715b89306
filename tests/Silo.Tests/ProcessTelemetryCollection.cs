namespace SENet.Silo.Tests;

/// <summary>
/// Tests whose silos export the process-wide SENet.Eval meter: every exporter in the process sees every silo's
/// measurements, so these tests run one at a time, or one's counts would include the other's job.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcessTelemetryCollection
{
    public const string Name = "process telemetry";
}
