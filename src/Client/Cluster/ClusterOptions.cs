using System.CommandLine;

namespace SENet.Client.Cluster;

/// <summary>Where the job verbs find the cluster: a silo's gateway (host:port), or the silos Azure Table membership lists.</summary>
public sealed class ClusterOptions
{
    public Option<GatewayAddress> Gateway { get; } = new("--gateway")
    {
        Description = "A silo's gateway, host:port (10.0.0.4:30000, [fd00::4]:30000), or a bare port on this machine (localhost clustering).",
        DefaultValueFactory = _ => GatewayAddress.OnThisMachine(30000),
        CustomParser = ParseGateway,
    };

    public Option<string> ClusterId { get; } = new("--cluster-id") { Description = "Cluster id of the silos.", DefaultValueFactory = _ => "senet" };

    public Option<string> ServiceId { get; } = new("--service-id") { Description = "Service id of the silos.", DefaultValueFactory = _ => "senet" };

    public Option<string> Clustering { get; } = new("--clustering") { Description = "localhost (the silo at --gateway) or azure (membership in Azure Table storage; SENet__Storage__ConnectionString).", DefaultValueFactory = _ => "localhost" };

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

    /// <summary>Refuses, while parsing, a gateway that is not host:port or a port, saying which forms work.</summary>
    private static GatewayAddress ParseGateway(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? "" : result.Tokens[^1].Value;
        if (GatewayAddress.TryParse(text, out var gateway, out var problem))
        {
            return gateway;
        }

        result.AddError($"--gateway '{text}' {problem}.");
        return default;
    }

    private System.Security.Cryptography.X509Certificates.X509Certificate2? LoadTls(ParseResult parse) =>
        parse.GetValue(TlsCertificate) is { } path
            ? new Silo.Hosting.TlsSettings { CertificatePath = path, CertificatePassword = Environment.GetEnvironmentVariable("SENet__Tls__CertificatePassword") }.Load()
            : null;
}
