using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace SENet.Silo.Hosting;

/// <summary>
/// Mutual TLS for silo-to-silo and client-to-gateway connections with one cluster certificate: each side presents
/// it and accepts only a peer presenting the same certificate (pinned by thumbprint), so a self-signed certificate
/// made for the cluster is enough and nothing else can join or connect.
/// </summary>
public static class ClusterTls
{
    public static void Configure(TlsOptions options, X509Certificate2 certificate)
    {
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, _) => remote is not null && remote.Thumbprint == certificate.Thumbprint;
        var host = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        options.OnAuthenticateAsClient = (_, authentication) => authentication.TargetHost = host;
    }
}
