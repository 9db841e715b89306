using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace SENet.Client.Cluster;

/// <summary>
/// Says why a gateway that Orleans could not connect to refused: a TLS handshake answered by a certificate other than
/// the client's, by a cluster using TLS to a client without one, or not answered to a client with one, is not the same
/// as no cluster at all.
/// </summary>
public static class GatewayProbe
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Whether the gateway listens, and the TLS reason it refused this client (null when it does not listen, or when
    /// neither it nor this client uses TLS: nothing more to say).
    /// </summary>
    public static async Task<GatewayDiagnosis> DiagnoseAsync(GatewayAddress gateway, X509Certificate2? tls)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(gateway.Host, gateway.Port).WaitAsync(Patience);
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return new GatewayDiagnosis(gateway, Listens: false, TlsProblem: null);
        }

        // Read inside the callback: the handshake disposes the certificate it hands over.
        (string Subject, string Hash)? presented = null;
        await using var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = tls?.GetNameInfo(X509NameType.SimpleName, forIssuer: false) ?? "senet",
                ClientCertificates = tls is null ? null : [tls],
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    presented = certificate is null ? null : (certificate.Subject, certificate.GetCertHashString());
                    return tls is not null && presented?.Hash == tls.Thumbprint;
                },
            }).WaitAsync(Patience);
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException or TimeoutException)
        {
            // Handshake refused below.
        }

        return new GatewayDiagnosis(gateway, Listens: true, TlsProblem: (presented, tls) switch
        {
            // Accepted the connection but no certificate came back: most likely an Orleans gateway without TLS.
            (null, { }) => "the gateway did not answer the TLS handshake with a certificate: if the cluster runs without TLS (its silos have no SENet:Tls:CertificatePath), drop --tls-certificate",
            (null, null) => null,
            (_, null) => "the cluster uses TLS: pass its certificate with --tls-certificate (password in SENet__Tls__CertificatePassword)",
            ({ } seen, _) when seen.Hash != tls.Thumbprint =>
                $"the TLS handshake failed: the cluster presented certificate '{seen.Subject}', not '{tls.Subject}' from --tls-certificate, and does not accept this client's. Pass the cluster's own certificate file (the one its silos use, SENet:Tls:CertificatePath)",
            _ => null,
        });
    }
}
