using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Models;
using SENet.Evaluation.Storage;
using SENet.Silo.Hosting;

namespace SENet.Silo.Tests.Dashboards;

/// <summary>
/// The Grafana dashboard proven live: a real Prometheus scrapes a silo built as the silo program builds it, during a real
/// job, and every query of deploy/grafana/dashboards/senet.json, evaluated by that Prometheus, returns data with the
/// labels its panel shows.
/// </summary>
[Collection(ProcessTelemetryCollection.Name)]
public sealed class LiveDashboardTests
{
    /// <summary>The last image in ImageFolder order (3 classes of 6 and a truncated file, shards of 4): it is in the last shard.</summary>
    private const string HeldImage = "class_002/img_00005.jpg";

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task EveryDashboardQueryReturnsDataWithItsPanelsLabelsFromARealPrometheusScrapingASiloDuringAJob()
    {
        var queries = DashboardQuery.ReadAll(RepositoryFiles.Path("deploy", "grafana", "dashboards", "senet.json"));
        Assert.True(queries.Count >= 12, $"only {queries.Count} queries read from the dashboard");
        var folder = Directory.CreateTempSubdirectory("senet-live-dashboard-").FullName;
        try
        {
            var data = Path.Combine(folder, "data");
            await SyntheticImages.WriteImageFolderAsync(data, classes: 3, imagesPerClass: 6, truncatedImages: 1);
            var model = Path.Combine(folder, "m.onnx");
            await File.WriteAllBytesAsync(model, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 64)));

            var ports = FreePorts.Take(3).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray();
            var builder = Host.CreateApplicationBuilder(
            [
                $"--SENet:Silo:SiloPort={ports[0]}", $"--SENet:Silo:GatewayPort={ports[1]}", $"--SENet:Silo:ClusterId=live-{Guid.NewGuid():N}",
                $"--SENet:Telemetry:PrometheusPort={ports[2]}", "--SENet:Devices:List=cpu:0,cpu:1", "--Logging:LogLevel:Default=Warning",
            ]);
            builder.AddSenetSilo();
            var gate = new GatedDatasetSourceFactory(new DatasetSourceFactory(new StorageOptions()), HeldImage);
            builder.Services.AddSingleton<IDatasetSourceFactory>(gate);
            using var silo = builder.Build();
            await silo.StartAsync();
            try
            {
                await using var prometheus = await PrometheusServer.StartAsync(int.Parse(ports[2], CultureInfo.InvariantCulture), TimeSpan.FromMinutes(1));
                var from = DateTimeOffset.UtcNow;
                var job = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IEvaluationJobGrain>("live-dashboard");
                await job.StartAsync(new JobSpec { ModelPath = model, DataPath = data, ShardSize = 4, BatchSize = 4, DevicePolicy = DevicePolicy.Cpu, OutputFolder = Path.Combine(folder, "out") });

                // Held at its last image: the idle device takes a tail duplicate, and Prometheus scrapes the running job a few times
                // (rate() needs two samples of a counter, and an OpenTelemetry counter's series starts at its first measurement).
                await UntilAsync(async () => (await job.GetStatusAsync()).DuplicateLeases > 0 && await ScrapedAsync(prometheus, "senet_images_total", 3)
                    && await ScrapedAsync(prometheus, "senet_batches_total", 3) && await ScrapedAsync(prometheus, "senet_stage_duration_seconds_bucket", 3)
                    && await ScrapedAsync(prometheus, "orleans_app_requests_latency_milliseconds_bucket", 3)
                    && await ScrapedAsync(prometheus, "senet_job_progress", 2) && await ScrapedAsync(prometheus, "senet_queue_depth", 2),
                    "a duplicate lease of the held shard, and the running job scraped a few times", prometheus);
                gate.Release();
                var status = await job.GetStatusAsync();
                await UntilAsync(async () => (status = await job.GetStatusAsync()).IsFinished, "the job's end", prometheus);
                Assert.Equal(JobState.Completed, status.State);
                await UntilAsync(async () => (await prometheus.QueryAsync("sum(senet_shards_total{senet_shard_event=\"completed\"})")) is [var completed]
                    && completed.Values[0] >= status.ShardsTotal, "a scrape after the last shard's merge", prometheus);

                var to = DateTimeOffset.UtcNow;
                var problems = new List<string>();
                foreach (var query in queries)
                {
                    var series = await prometheus.QueryRangeAsync(query.Expression, from, to);
                    if (series.Count == 0)
                    {
                        problems.Add($"{query} returned no series");
                        continue;
                    }

                    if (!series.Any(s => s.Values.Any(double.IsFinite)))
                    {
                        problems.Add($"{query} returned only NaN or infinite values: {string.Join("; ", series.Select(Describe))}");
                    }

                    foreach (var unlabelled in series.Where(s => query.Labels.Any(l => !s.Labels.TryGetValue(l, out var value) || value.Length == 0)))
                    {
                        problems.Add($"{query} returned a series without the labels [{string.Join(", ", query.Labels)}] its panel shows: {Describe(unlabelled)}");
                    }
                }

                Assert.True(problems.Count == 0, string.Join("\n", problems));
            }
            finally
            {
                gate.Release();
                await silo.StopAsync();
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<bool> ScrapedAsync(PrometheusServer prometheus, string metric, int samples) =>
        (await prometheus.QueryAsync($"max(count_over_time({metric}[5m]))")) is [var count] && count.Values[0] >= samples;

    private static string Describe(PrometheusSeries series) =>
        "{" + string.Join(", ", series.Labels.Select(l => $"{l.Key}=\"{l.Value}\"")) + "} " + string.Join(" ", series.Values.Take(5).Select(v => v.ToString("G4", CultureInfo.InvariantCulture)));

    /// <summary>Waits for a condition of the job or of Prometheus; past <see cref="Patience"/> the test fails naming what it waited for.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, string what, PrometheusServer prometheus)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited {Patience} for {what}; Prometheus logged: {prometheus.Log}");
            await Task.Delay(200);
        }
    }
}
