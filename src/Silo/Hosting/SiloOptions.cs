namespace SENet.Silo.Hosting;

/// <summary>Configuration section <c>SENet:Silo</c> (appsettings, environment <c>SENet__Silo__SiloPort</c>, or <c>--SENet:Silo:SiloPort</c>).</summary>
public sealed class SiloOptions
{
    public const string Section = "SENet:Silo";

    public string ClusterId { get; set; } = "senet";

    public string ServiceId { get; set; } = "senet";

    /// <summary>localhost (development: the primary silo keeps membership). Cloud providers arrive with the blob issue.</summary>
    public string Clustering { get; set; } = "localhost";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>Silo port of the primary silo for localhost clustering; unset makes this silo the primary.</summary>
    public int? PrimarySiloPort { get; set; }
}
