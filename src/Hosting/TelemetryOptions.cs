namespace SENet.Silo.Hosting;

/// <summary>Configuration section <c>SENet:Telemetry</c>: which exporters a silo runs. Everything is off unless set.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "SENet:Telemetry";

    /// <summary>Serve a Prometheus scrape endpoint at <c>http://localhost:PORT/metrics</c> (9464 is the usual port).</summary>
    public int? PrometheusPort { get; set; }

    /// <summary>Host a Prometheus endpoint on every interface (<c>http://+:PORT/</c>), as a container must; localhost only otherwise.</summary>
    public bool PrometheusOnAllInterfaces { get; set; }

    /// <summary>Send metrics and traces by OTLP to this collector (e.g. <c>http://localhost:4317</c>).</summary>
    public string? OtlpEndpoint { get; set; }

    public string ServiceName { get; set; } = "senet-silo";

    /// <summary>Serve the Orleans dashboard at <c>http://localhost:PORT/</c> (grains, silos, calls).</summary>
    public int? DashboardPort { get; set; }

    public bool Enabled => PrometheusPort is not null || !string.IsNullOrWhiteSpace(OtlpEndpoint);
}
