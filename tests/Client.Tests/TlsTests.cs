using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SENet.Grains.Devices;
using SENet.Silo.Hosting;

namespace SENet.Client.Tests;

/// <summary>Two silos and the client over TLS with a certificate the test makes: silo-to-silo and client-to-gateway.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("senet-tls-").FullName;

    [Fact]
    public async Task OnlyAClientWithTheClusterCertificateGetsIn()
    {
        var (certificate, path) = MakeCertificate("senet-cluster");
        var (_, strangerPath) = MakeCertificate("stranger");
        await using var cluster = await EmbeddedCluster.StartAsync(new DeviceOptions { List = "cpu:0" }, silos: 2, tls: certificate);
        string[] connection = ["--gateway", cluster.GatewayPort.ToString(CultureInfo.InvariantCulture), "--cluster-id", cluster.ClusterId, "--service-id", cluster.ClusterId];

        var trusted = await CliRunner.RunAsync(["silos", "--tls-certificate", path, .. connection]);
        var plain = await CliRunner.RunAsync(["silos", .. connection]);
        var stranger = await CliRunner.RunAsync(["silos", "--tls-certificate", strangerPath, .. connection]);

        Assert.True(trusted.ExitCode == 0, trusted.Error);
        Assert.Equal(2, trusted.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(1, plain.ExitCode);
        Assert.Equal(1, stranger.ExitCode);
        // Something answered: the client is told its certificate was the problem, not that no cluster runs.
        Assert.True(stranger.Error.Contains("the TLS handshake failed: the cluster presented certificate 'CN=senet-cluster', not 'CN=stranger'", StringComparison.Ordinal), stranger.Error);
        Assert.DoesNotContain("No SENet cluster answered", stranger.Error);
        Assert.True(plain.Error.Contains("the cluster uses TLS: pass its certificate with --tls-certificate", StringComparison.Ordinal), plain.Error);
    }

    [Fact]
    public async Task AWrongCertificatePasswordNamesTheFileAndTheSetting()
    {
        using var key = RSA.Create(2048);
        using var created = new CertificateRequest("CN=locked", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(_folder, "locked.pfx");
        await File.WriteAllBytesAsync(path, created.Export(X509ContentType.Pkcs12, "right-password"));
        Environment.SetEnvironmentVariable("SENet__Tls__CertificatePassword", "wrong-password");
        try
        {
            var (exitCode, _, stderr) = await CliRunner.RunAsync("silos", "--tls-certificate", path, "--gateway", "1");

            Assert.Equal(1, exitCode);
            Assert.Contains($"TLS certificate '{path}'", stderr);
            Assert.Contains("SENet__Tls__CertificatePassword", stderr);
            Assert.DoesNotContain("wrong-password", stderr);
            Assert.Throws<ArgumentException>(() => new TlsSettings { CertificatePath = path, CertificatePassword = "wrong-password" }.Load());
            await using var silo = DotnetProcess.Start("senet-silo.dll", [$"--SENet:Tls:CertificatePath={path}", "--SENet:Silo:SiloPort=1", "--SENet:Silo:GatewayPort=2"],
                new Dictionary<string, string> { ["SENet__Tls__CertificatePassword"] = "wrong-password" });
            Assert.Equal(1, await silo.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains($"error: TLS certificate '{path}'", silo.Output);
            Assert.DoesNotContain("Unhandled exception", silo.Output);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SENet__Tls__CertificatePassword", null);
        }
    }

    private (X509Certificate2 Certificate, string Path) MakeCertificate(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(_folder, $"{name}.pfx");
        File.WriteAllBytes(path, created.Export(X509ContentType.Pkcs12));
        return (X509CertificateLoader.LoadPkcs12FromFile(path, null), path);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
