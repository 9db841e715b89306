namespace SENet.Evaluation.Telemetry;

/// <summary>
/// Attribute names. Namespaced: Prometheus reserves <c>job</c> and <c>instance</c> for its targets, so a bare
/// <c>job</c> attribute would be renamed on scrape.
/// </summary>
public static class TelemetryTags
{
    public const string Job = "senet.job";
    public const string Silo = "senet.silo";
    public const string Device = "senet.device";
    public const string Outcome = "senet.outcome";
    public const string Stage = "senet.stage";
    public const string Queue = "senet.queue";
    public const string ShardEvent = "senet.shard.event";
    public const string Model = "senet.model";
}
