using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Orleans.Hosting.Kubernetes;
using SENet.Evaluation.Storage;
using SENet.Grains.Devices;
using SENet.Silo.Hosting;

namespace SENet.Silo.Tests.Deploy;

/// <summary>
/// The rendered Kubernetes manifests against the silo's real configuration: every setting they pass is one the silo
/// binds, and their ports, probes, scrape endpoint and Orleans hosting variables are the ones the silo uses.
/// </summary>
public sealed class ManifestTests
{
    public static TheoryData<string> Overlays => new() { "cpu-dev", "gpu" };

    private static readonly string[] Sections = ["Silo", "Devices", "Telemetry", "Storage", "Tls"];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EverySettingIsAKeyTheSiloBindsWithAValueItAccepts(string overlay)
    {
        var manifests = RenderedManifests.Render($"deploy/k8s/overlays/{overlay}");
        var (values, from) = manifests.SiloEnvironment();
        var keys = values.Keys.Concat(from.Keys).Where(k => k.StartsWith("SENet__", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.Contains(k.Split("__")[1], Sections));

        var (silo, devices, telemetry, storage) = Bind(manifests);

        devices.Validate();
        Assert.True(silo.Kubernetes);
        Assert.Equal("azure", silo.Clustering);
        Assert.NotNull(telemetry.PrometheusPort);
        Assert.True(telemetry.PrometheusOnAllInterfaces, "a pod's metrics endpoint must listen beyond localhost");
        Assert.True(storage.ConnectionString is not null || storage.AccountUrl is not null, "azure clustering needs an account");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void PortsProbesServicesAndTheScrapeEndpointAreTheSilos(string overlay)
    {
        var manifests = RenderedManifests.Render($"deploy/k8s/overlays/{overlay}");
        var (silo, _, telemetry, _) = Bind(manifests);

        Assert.Equal(silo.SiloPort, manifests.ContainerPort("silo"));
        Assert.Equal(silo.GatewayPort, manifests.ContainerPort("gateway"));
        Assert.Equal(telemetry.PrometheusPort, manifests.ContainerPort("metrics"));

        var gateway = manifests.Single("Service", "senet-gateway")["spec"]!["ports"]!.AsArray().Single()!;
        Assert.Equal(silo.GatewayPort, int.Parse((string)gateway["port"]!));
        Assert.Equal(silo.GatewayPort, manifests.ContainerPort((string)gateway["targetPort"]!));
        foreach (var probe in new[] { "readinessProbe", "livenessProbe", "startupProbe" }.Select(p => manifests.SiloContainer[p]).OfType<JsonObject>())
        {
            Assert.Equal(silo.GatewayPort, manifests.ContainerPort((string)probe["tcpSocket"]!["port"]!));
        }

        var annotations = manifests.PodTemplate["metadata"]!["annotations"]!;
        Assert.Equal("true", (string?)annotations["prometheus.io/scrape"]);
        Assert.Equal(telemetry.PrometheusPort.ToString(), (string?)annotations["prometheus.io/port"]);
        Assert.Equal(TelemetryHosting.MetricsPath, (string?)annotations["prometheus.io/path"]);
        var metrics = manifests.Single("Service", "senet-silo-metrics")["spec"]!["ports"]!.AsArray().Single()!;
        Assert.Equal(telemetry.PrometheusPort, manifests.ContainerPort((string)metrics["targetPort"]!));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void OrleansKubernetesHostingGetsThePodItsLabelsAndTheRightsItNeeds(string overlay)
    {
        var manifests = RenderedManifests.Render($"deploy/k8s/overlays/{overlay}");
        var (_, from) = manifests.SiloEnvironment();
        var (silo, _, _, _) = Bind(manifests);
        var labels = manifests.PodTemplate["metadata"]!["labels"]!;

        Assert.Equal(silo.ClusterId, (string?)labels[KubernetesHostingOptions.ClusterIdLabel]);
        Assert.Equal(silo.ServiceId, (string?)labels[KubernetesHostingOptions.ServiceIdLabel]);
        Assert.Equal("metadata.name", FieldPath(from, KubernetesHostingOptions.PodNameEnvironmentVariable));
        Assert.Equal("metadata.namespace", FieldPath(from, KubernetesHostingOptions.PodNamespaceEnvironmentVariable));
        Assert.Equal("status.podIP", FieldPath(from, KubernetesHostingOptions.PodIPEnvironmentVariable));
        Assert.Equal($"metadata.labels['{KubernetesHostingOptions.ClusterIdLabel}']", FieldPath(from, KubernetesHostingOptions.ClusterIdEnvironmentVariable));
        Assert.Equal($"metadata.labels['{KubernetesHostingOptions.ServiceIdLabel}']", FieldPath(from, KubernetesHostingOptions.ServiceIdEnvironmentVariable));

        // The pod's service account may watch and patch pods, and delete those of silos declared dead (the silo sets DeleteDefunctSiloPods).
        var account = (string)manifests.PodTemplate["spec"]!["serviceAccountName"]!;
        var binding = Assert.Single(manifests.OfKind("RoleBinding"), b => b["subjects"]!.AsArray().Any(s => (string?)s!["kind"] == "ServiceAccount" && (string?)s["name"] == account));
        var role = manifests.Single("Role", (string)binding["roleRef"]!["name"]!);
        var podRules = role["rules"]!.AsArray().Where(r => r!["resources"]!.AsArray().Any(x => (string?)x == "pods")).ToList();
        var verbs = podRules.SelectMany(r => r!["verbs"]!.AsArray().Select(v => (string)v!)).ToHashSet();
        Assert.Superset(verbs, new HashSet<string> { "get", "list", "watch", "patch", "delete" });
    }

    [Fact]
    public void TheGpuOverlayRunsOneSiloPerGpuOnTheGpuPoolAndTheCpuOverlayNone()
    {
        var gpu = RenderedManifests.Render("deploy/k8s/overlays/gpu");
        var gpus = (string?)gpu.SiloContainer["resources"]!["limits"]!["nvidia.com/gpu"];
        Assert.Equal("1", gpus);
        var (_, gpuDevices, _, _) = Bind(gpu);
        // Unset, the silo discovers the GPUs the device plugin gives the container: one here, so one worker.
        Assert.True(string.IsNullOrEmpty(gpuDevices.List) || gpuDevices.List.Split(',').Length == 1);
        Assert.Contains(gpu.PodTemplate["spec"]!["tolerations"]!.AsArray(), t => (string?)t!["key"] == "nvidia.com/gpu");
        Assert.NotEmpty(gpu.PodTemplate["spec"]!["nodeSelector"]!.AsObject());
        Assert.Contains("gpu", (string)gpu.SiloContainer["image"]!);
        Assert.True(gpuDevices.SessionsFor(gpu: true) >= 2, "a GPU overlaps copies and compute with two sessions or more");

        var cpu = RenderedManifests.Render("deploy/k8s/overlays/cpu-dev");
        Assert.Null(cpu.SiloContainer["resources"]!["limits"]?["nvidia.com/gpu"]);
        Assert.True(Bind(cpu).Devices.CpuDevices >= 1);
        foreach (var manifests in new[] { gpu, cpu })
        {
            var requests = manifests.SiloContainer["resources"]!["requests"]!;
            Assert.NotNull(requests["cpu"]);
            Assert.NotNull(requests["memory"]);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SecretsComeFromSecretsNeverFromLiterals(string overlay)
    {
        var manifests = RenderedManifests.Render($"deploy/k8s/overlays/{overlay}");
        var (values, from) = manifests.SiloEnvironment();

        Assert.DoesNotContain(values.Keys, k => k.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase) || k.Contains("Key", StringComparison.Ordinal));
        Assert.Equal("senet-storage", (string?)from["SENet__Storage__ConnectionString"]["secretKeyRef"]?["name"]);
        var text = string.Join('\n', manifests.Objects.Select(o => o.ToJsonString()));
        Assert.DoesNotContain("AccountKey=", text);
        Assert.DoesNotContain("sig=", text);
        Assert.Empty(manifests.OfKind("Secret"));
    }

    [Fact]
    public void TheWorkloadIdentityComponentSwapsTheSecretForTheAccountUrlAndTheIdentity()
    {
        var manifests = RenderedManifests.Compose(["deploy/k8s/overlays/gpu"], ["deploy/k8s/components/workload-identity"]);
        var (_, _, _, storage) = Bind(manifests);

        Assert.Null(storage.ConnectionString);
        Assert.StartsWith("https://", storage.AccountUrl);
        Assert.Equal("https", SenetSiloHosting.TableEndpoint(new Uri(storage.AccountUrl!)).Scheme);
        Assert.Contains(".table.", SenetSiloHosting.TableEndpoint(new Uri(storage.AccountUrl!)).Host);
        Assert.Equal("true", (string?)manifests.PodTemplate["metadata"]!["labels"]!["azure.workload.identity/use"]);
        var account = manifests.Single("ServiceAccount", (string)manifests.PodTemplate["spec"]!["serviceAccountName"]!);
        Assert.NotNull(account["metadata"]!["annotations"]?["azure.workload.identity/client-id"]);
    }

    /// <summary>Binds the silo container's environment as the silo does; a key without a property, or a value that does not parse, throws.</summary>
    private static (SiloOptions Silo, DeviceOptions Devices, TelemetryOptions Telemetry, StorageOptions Storage) Bind(RenderedManifests manifests)
    {
        var (values, from) = manifests.SiloEnvironment();
        // A variable set from a secret gets a stand-in value: the key is what is checked.
        var settings = values.Concat(from.Keys.Select(k => new KeyValuePair<string, string>(k, "from-a-secret")))
            .Where(kv => kv.Key.StartsWith("SENet__", StringComparison.Ordinal))
            .Select(kv => new KeyValuePair<string, string?>(kv.Key.Replace("__", ":"), kv.Value));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        T Get<T>(string section) where T : new() =>
            configuration.GetSection(section).Get<T>(o => o.ErrorOnUnknownConfiguration = true) ?? new T();

        _ = Get<TlsSettings>(TlsSettings.Section);
        return (Get<SiloOptions>(SiloOptions.Section), Get<DeviceOptions>(DeviceOptions.Section), Get<TelemetryOptions>(TelemetryOptions.Section), Get<StorageOptions>(StorageOptions.Section));
    }

    private static string? FieldPath(Dictionary<string, JsonObject> from, string variable) =>
        Assert.Contains(variable, (IDictionary<string, JsonObject>)from)["fieldRef"]?["fieldPath"]?.GetValue<string>();
}
