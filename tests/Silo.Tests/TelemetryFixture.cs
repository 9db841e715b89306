using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Models;
using SENet.Grains.Devices;
using SENet.Silo.Hosting;

namespace SENet.Silo.Tests;

/// <summary>A silo with its Prometheus endpoint on, which has run one job to completion.</summary>
public sealed class TelemetryFixture : IAsyncLifetime
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("senet-telemetry-").FullName;

    public int PrometheusPort { get; } = FreePorts.Take(1)[0];

    public EmbeddedCluster Cluster { get; private set; } = null!;

    public string JobId { get; } = "telemetry-job";

    public async Task InitializeAsync()
    {
        var data = Path.Combine(Folder, "data");
        await SyntheticImages.WriteImageFolderAsync(data, classes: 3, imagesPerClass: 6, truncatedImages: 1);
        var model = Path.Combine(Folder, "m.onnx");
        await File.WriteAllBytesAsync(model, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 64)));
        Cluster = await EmbeddedCluster.StartAsync(new DeviceOptions { List = "cpu:0,cpu:1" }, telemetry: new TelemetryOptions { PrometheusPort = PrometheusPort });
        var job = Cluster.Grains.GetGrain<IEvaluationJobGrain>(JobId);
        await job.StartAsync(new JobSpec { ModelPath = model, DataPath = data, ShardSize = 4, BatchSize = 4, DevicePolicy = DevicePolicy.Cpu, OutputFolder = Path.Combine(Folder, "out") });
        while (!(await job.GetStatusAsync()).IsFinished)
        {
            await Task.Delay(50);
        }
    }

    public async Task<string> ScrapeAsync()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync($"http://localhost:{PrometheusPort}/metrics");
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
