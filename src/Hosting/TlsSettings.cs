using System.Security.Cryptography.X509Certificates;

namespace SENet.Silo.Hosting;

/// <summary>
/// Configuration section <c>SENet:Tls</c>: the cluster certificate (PKCS#12) that every silo and client presents and
/// pins. Off unless a path is set. The password comes from configuration (environment <c>SENet__Tls__CertificatePassword</c>).
/// </summary>
public sealed class TlsSettings
{
    public const string Section = "SENet:Tls";

    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    public X509Certificate2? Load()
    {
        if (string.IsNullOrWhiteSpace(CertificatePath))
        {
            return null;
        }

        if (!File.Exists(CertificatePath))
        {
            throw new FileNotFoundException($"TLS certificate '{CertificatePath}' does not exist (SENet:Tls:CertificatePath).");
        }

        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, CertificatePassword);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            // Most often the password; the loader's own reason says which (never the password itself).
            throw new ArgumentException($"TLS certificate '{CertificatePath}' (SENet:Tls:CertificatePath, or --tls-certificate) could not be opened: {e.Message.TrimEnd('.')}. " +
                "Check its password (SENet:Tls:CertificatePassword, environment SENet__Tls__CertificatePassword; none for a file without one) and that the file is PKCS#12 (.pfx).", e);
        }
    }
}
