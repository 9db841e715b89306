namespace SENet.Silo.Hosting;

/// <summary>Configuration section <c>SENet:Silo</c> (appsettings, environment <c>SENet__Silo__SiloPort</c>, or <c>--SENet:Silo:SiloPort</c>).</summary>
public sealed class SiloOptions
{
    public const string Section = "SENet:Silo";

    public string ClusterId { get; set; } = "senet";

    public string ServiceId { get; set; } = "senet";

    /// <summary>
    /// <c>localhost</c> (development: the primary silo keeps membership, job state in memory) or <c>azure</c>
    /// (membership in Azure Table storage, job state in Azure Blob storage, both through <c>SENet:Storage</c>).
    /// </summary>
    public string Clustering { get; set; } = "localhost";

    /// <summary>
    /// Running as a Kubernetes pod: the silo takes its name and address from the pod (POD_NAME, POD_IP), its cluster
    /// and service ids from the pod's <c>orleans/clusterId</c> and <c>orleans/serviceId</c> labels, and deletes the
    /// pods of silos that membership declared dead. Membership itself still lives in Azure Table storage.
    /// </summary>
    public bool Kubernetes { get; set; }

    /// <summary>The address other silos and clients reach this silo at (azure clustering); unset lets Orleans pick the host's.</summary>
    public string? AdvertisedAddress { get; set; }

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>Silo port of the primary silo for localhost clustering; unset makes this silo the primary.</summary>
    public int? PrimarySiloPort { get; set; }

    /// <summary>
    /// Localhost clustering: accept clients on every interface, not only loopback, as a container whose gateway port
    /// is published must; silos still reach each other over loopback.
    /// </summary>
    public bool GatewayOnAllInterfaces { get; set; }

    /// <summary>
    /// Whether job coordinators (and the job registry) may live on this silo. False makes a worker-only silo, for GPU
    /// nodes that should spend nothing on coordination, or whose crashes (a poison image, a driver fault) should never
    /// take a coordinator with them.
    /// </summary>
    public bool HostsCoordinators { get; set; } = true;
}
