using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SENet.Grains.Devices;
using SENet.Silo.Hosting;
using SENet.Tests.Storage;

namespace SENet.Client.Tests;

/// <summary>
/// Silos and the client over TLS with a certificate the test makes (silo-to-silo and client-to-gateway), found on a
/// gateway given by host and port or through Azure Table membership in Azurite; a refused client is told why.
/// </summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("senet-tls-").FullName;

    [Fact]
    public async Task OnlyAClientWithTheClusterCertificateGetsIn()
    {
        var (certificate, path) = MakeCertificate("senet-cluster");
        var (_, strangerPath) = MakeCertificate("stranger");
        await using var cluster = await EmbeddedCluster.StartAsync(new DeviceOptions { List = "cpu:0" }, silos: 2, tls: certificate);
        var port = cluster.GatewayPort.ToString(CultureInfo.InvariantCulture);
        string[] ids = ["--cluster-id", cluster.ClusterId, "--service-id", cluster.ClusterId];

        // The gateway as a host name and port, as an address and port, and as a bare port on this machine.
        var trusted = await CliRunner.RunAsync(["silos", "--tls-certificate", path, "--gateway", $"localhost:{port}", .. ids]);
        var plain = await CliRunner.RunAsync(["silos", "--gateway", port, .. ids]);
        var stranger = await CliRunner.RunAsync(["silos", "--tls-certificate", strangerPath, "--gateway", $"127.0.0.1:{port}", .. ids]);

        Assert.True(trusted.ExitCode == 0, trusted.Error);
        Assert.Equal(2, trusted.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(1, plain.ExitCode);
        Assert.Equal(1, stranger.ExitCode);
        // Something answered: the client is told its certificate was the problem, not that no cluster runs.
        Assert.True(stranger.Error.Contains("the TLS handshake failed: the cluster presented certificate 'CN=senet-cluster', not 'CN=stranger'", StringComparison.Ordinal), stranger.Error);
        Assert.Contains($"gateway 127.0.0.1:{port} refused", stranger.Error);
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

    [Fact]
    public async Task UnderAzureClusteringAClientWithTheWrongCertificateIsToldWhichGatewayRefusedIt()
    {
        var (_, path) = MakeCertificate("senet-cluster");
        var (_, strangerPath) = MakeCertificate("stranger");
        await using var azurite = await Azurite.StartAsync();
        var environment = new Dictionary<string, string> { ["SENet__Storage__ConnectionString"] = azurite.ConnectionString, ["Logging__LogLevel__Default"] = "Warning" };
        var clusterId = $"tls-{Guid.NewGuid():N}";
        var ports = FreePorts.Take(2);
        await using var silo = DotnetProcess.Start("senet-silo.dll",
        [
            "--SENet:Silo:Clustering=azure", $"--SENet:Silo:ClusterId={clusterId}", "--SENet:Silo:AdvertisedAddress=127.0.0.1", $"--SENet:Tls:CertificatePath={path}",
            $"--SENet:Silo:SiloPort={ports[0]}", $"--SENet:Silo:GatewayPort={ports[1]}", "--SENet:Devices:List=cpu:0",
        ], environment);
        string[] cluster = ["--clustering", "azure", "--cluster-id", clusterId];
        async Task<(int ExitCode, string Output)> SilosAsync(params string[] arguments)
        {
            await using var client = DotnetProcess.Start("senet.dll", ["silos", .. arguments], environment);
            return (await client.WaitAsync(TimeSpan.FromSeconds(60)), client.Output);
        }

        var trusted = (ExitCode: -1, Output: "");
        for (var attempt = 0; attempt < 60 && trusted.ExitCode != 0; attempt++)
        {
            Assert.False(silo.HasExited, $"the silo exited: {silo.Output}");
            trusted = await SilosAsync(["--tls-certificate", path, .. cluster]);
        }

        Assert.True(trusted.ExitCode == 0, $"the silo never answered a client with its certificate: {trusted.Output}\n{silo.Output}");
        var stranger = await SilosAsync(["--tls-certificate", strangerPath, .. cluster]);
        var plain = await SilosAsync(cluster);
        var elsewhere = await SilosAsync(["--tls-certificate", path, "--clustering", "azure", "--cluster-id", "nobody-here"]);
        await silo.SignalAsync("TERM");
        Assert.Equal(0, await silo.WaitAsync(TimeSpan.FromSeconds(60)));
        var stopped = await SilosAsync(["--tls-certificate", path, .. cluster]);

        // The gateway is named from the membership table, and the client is told its certificate was the problem.
        Assert.Equal(1, stranger.ExitCode);
        Assert.True(stranger.Output.Contains($"error: The SENet cluster '{clusterId}' at gateway 127.0.0.1:{ports[1]} (listed in Azure membership table 'OrleansSiloInstances') refused this client's connection: " +
            "the TLS handshake failed: the cluster presented certificate 'CN=senet-cluster', not 'CN=stranger'", StringComparison.Ordinal), stranger.Output);
        Assert.Equal(1, plain.ExitCode);
        Assert.True(plain.Output.Contains($"gateway 127.0.0.1:{ports[1]} (listed in Azure membership table 'OrleansSiloInstances') refused this client's connection: the cluster uses TLS: pass its certificate with --tls-certificate", StringComparison.Ordinal), plain.Output);
        // A cluster id the table has no silo of, and a cluster whose only silo stopped: said so, with how to start one.
        Assert.Equal(1, elsewhere.ExitCode);
        Assert.True(elsewhere.Output.Contains("error: No SENet silo of cluster 'nobody-here' is running: its Azure membership table 'OrleansSiloInstances' lists no silo of it. " +
            "Start a silo of this cluster with the same storage (SENet__Storage__ConnectionString): dotnet run -c Release --project src/Silo -- --SENet:Silo:Clustering=azure --SENet:Silo:ClusterId=nobody-here", StringComparison.Ordinal), elsewhere.Output);
        Assert.Contains($"Clusters with active silos in this table: '{clusterId}' (--cluster-id).", elsewhere.Output);
        Assert.Equal(1, stopped.ExitCode);
        Assert.True(stopped.Output.Contains($"error: No SENet silo of cluster '{clusterId}' is running: its Azure membership table 'OrleansSiloInstances' lists no active silo of it (1 Dead).", StringComparison.Ordinal), stopped.Output);
        foreach (var output in new[] { stranger.Output, plain.Output, elsewhere.Output, stopped.Output })
        {
            Assert.DoesNotContain("No SENet silo of cluster '" + clusterId + "' answered through Azure Table membership", output);
            Assert.DoesNotContain(Azurite.AccountKey, output);
            Assert.DoesNotContain("AccountKey", output);
            Assert.DoesNotContain("Unhandled exception", output);
        }
    }

    [Fact]
    public async Task UnderAzureClusteringAClusterNoSiloEverJoinedIsNamedWithHowToStartOne()
    {
        await using var azurite = await Azurite.StartAsync();
        var environment = new Dictionary<string, string> { ["SENet__Storage__ConnectionString"] = azurite.ConnectionString };

        await using var client = DotnetProcess.Start("senet.dll", ["jobs", "--clustering", "azure", "--cluster-id", "never-started"], environment);
        var exitCode = await client.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        Assert.Contains("error: No SENet silo of cluster 'never-started' is running: its Azure membership table 'OrleansSiloInstances' lists no silo of it.", client.Output);
        Assert.Contains("--SENet:Silo:Clustering=azure --SENet:Silo:ClusterId=never-started", client.Output);
        Assert.DoesNotContain("Clusters with active silos", client.Output);
        Assert.DoesNotContain(Azurite.AccountKey, client.Output);
        Assert.DoesNotContain("AccountKey", client.Output);
    }

    [Fact]
    public async Task UnderAzureClusteringAClientWithACertificateForAClusterWithoutTlsAndAKilledSiloAreNamed()
    {
        var (_, path) = MakeCertificate("senet-cluster");
        await using var azurite = await Azurite.StartAsync();
        var environment = new Dictionary<string, string> { ["SENet__Storage__ConnectionString"] = azurite.ConnectionString, ["Logging__LogLevel__Default"] = "Warning" };
        var clusterId = $"plain-{Guid.NewGuid():N}";
        var ports = FreePorts.Take(2);
        await using var silo = DotnetProcess.Start("senet-silo.dll",
        [
            "--SENet:Silo:Clustering=azure", $"--SENet:Silo:ClusterId={clusterId}", "--SENet:Silo:AdvertisedAddress=127.0.0.1",
            $"--SENet:Silo:SiloPort={ports[0]}", $"--SENet:Silo:GatewayPort={ports[1]}", "--SENet:Devices:List=cpu:0",
        ], environment);
        string[] cluster = ["--clustering", "azure", "--cluster-id", clusterId];
        async Task<(int ExitCode, string Output)> SilosAsync(params string[] arguments)
        {
            await using var client = DotnetProcess.Start("senet.dll", ["silos", .. arguments], environment);
            return (await client.WaitAsync(TimeSpan.FromSeconds(90)), client.Output);
        }

        var joined = (ExitCode: -1, Output: "");
        for (var attempt = 0; attempt < 60 && joined.ExitCode != 0; attempt++)
        {
            Assert.False(silo.HasExited, $"the silo exited: {silo.Output}");
            joined = await SilosAsync(cluster);
        }

        Assert.True(joined.ExitCode == 0, $"the silo never answered: {joined.Output}\n{silo.Output}");
        var withCertificate = await SilosAsync(["--tls-certificate", path, .. cluster]);
        // Killed, not stopped: its row stays Active, as no other silo is left to declare it dead.
        await silo.DisposeAsync();
        var killed = await SilosAsync(cluster);

        Assert.Equal(1, withCertificate.ExitCode);
        Assert.True(withCertificate.Output.Contains($"error: The SENet cluster '{clusterId}' at gateway 127.0.0.1:{ports[1]} (listed in Azure membership table 'OrleansSiloInstances') refused this client's connection: " +
            "the gateway did not answer the TLS handshake with a certificate: if the cluster runs without TLS (its silos have no SENet:Tls:CertificatePath), drop --tls-certificate", StringComparison.Ordinal), withCertificate.Output);
        Assert.Equal(1, killed.ExitCode);
        Assert.True(killed.Output.Contains($"error: No SENet silo of cluster '{clusterId}' answered: its Azure membership table 'OrleansSiloInstances' lists active gateways at 127.0.0.1:{ports[1]}, " +
            "but nothing accepts connections there from this machine.", StringComparison.Ordinal), killed.Output);
        Assert.DoesNotContain(Azurite.AccountKey, withCertificate.Output + killed.Output);
        Assert.DoesNotContain("AccountKey", withCertificate.Output + killed.Output);
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
