using System.CommandLine;

namespace SENet.Client.Cluster;

/// <summary>Where the job verbs find the cluster: a gateway on this machine (localhost clustering).</summary>
public sealed class ClusterOptions
{
    public Option<int> Gateway { get; } = new("--gateway") { Description = "Gateway port of a silo (localhost clustering).", DefaultValueFactory = _ => 30000 };

    public Option<string> ClusterId { get; } = new("--cluster-id") { Description = "Cluster id of the silos.", DefaultValueFactory = _ => "senet" };

    public Option<string> ServiceId { get; } = new("--service-id") { Description = "Service id of the silos.", DefaultValueFactory = _ => "senet" };

    public Option<string> Clustering { get; } = new("--clustering") { Description = "localhost (gateway port on this machine) or azure (membership in Azure Table storage; SENet__Storage__ConnectionString).", DefaultValueFactory = _ => "localhost" };

    public Option<string?> TlsCertificate { get; } = new("--tls-certificate") { Description = "The cluster's TLS certificate (PKCS#12) when silos run with SENet:Tls; password from SENet__Tls__CertificatePassword." };

    public void AddTo(Command command)
    {
        command.Options.Add(TlsCertificate);
        Clustering.AcceptOnlyFromAmong("localhost", "azure");
        command.Options.Add(Clustering);
        command.Options.Add(Gateway);
        command.Options.Add(ClusterId);
        command.Options.Add(ServiceId);
    }

    public Task<ClusterConnection> ConnectAsync(ParseResult parse, CancellationToken cancellationToken) =>
        parse.GetValue(Clustering) == "azure"
            ? ClusterConnection.ConnectToAzureAsync(CliStorage.FromEnvironment(), parse.GetValue(ClusterId)!, parse.GetValue(ServiceId)!, cancellationToken, LoadTls(parse))
            : ClusterConnection.ConnectAsync(parse.GetValue(Gateway), parse.GetValue(ClusterId)!, parse.GetValue(ServiceId)!, cancellationToken, LoadTls(parse));

    private System.Security.Cryptography.X509Certificates.X509Certificate2? LoadTls(ParseResult parse) =>
        parse.GetValue(TlsCertificate) is { } path
            ? new Silo.Hosting.TlsSettings { CertificatePath = path, CertificatePassword = Environment.GetEnvironmentVariable("SENet__Tls__CertificatePassword") }.Load()
            : null;
}
