using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Models;
using SENet.Silo.Hosting;
using SkiaSharp;

namespace SENet.Silo.Tests.Dashboards;

/// <summary>
/// The Orleans dashboard as an operator sees it: a silo started as the silo program starts it, with
/// SENet:Telemetry:DashboardPort set, runs a job; the dashboard's data API lists the SENet grains, and headless Chromium
/// renders its page (a JavaScript application) with them and takes a screenshot.
/// </summary>
[Collection(ProcessTelemetryCollection.Name)]
public sealed class OrleansDashboardTests
{
    private const string JobGrain = "SENet.Grains.Jobs.EvaluationJobGrain";
    private const string WorkerGrain = "SENet.Grains.Workers.InferenceWorkerGrain";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task TheDashboardListsTheSenetGrainsAndRendersInHeadlessChromium()
    {
        var folder = Directory.CreateTempSubdirectory("senet-orleans-dashboard-").FullName;
        try
        {
            var data = Path.Combine(folder, "data");
            await SyntheticImages.WriteImageFolderAsync(data, classes: 3, imagesPerClass: 4, truncatedImages: 1);
            var model = Path.Combine(folder, "m.onnx");
            await File.WriteAllBytesAsync(model, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 64)));
            var ports = FreePorts.Take(3).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray();
            using var silo = SiloApp.Build(
            [
                $"--SENet:Silo:SiloPort={ports[0]}", $"--SENet:Silo:GatewayPort={ports[1]}", $"--SENet:Silo:ClusterId=dashboard-{Guid.NewGuid():N}",
                $"--SENet:Telemetry:DashboardPort={ports[2]}", "--SENet:Devices:List=cpu:0,cpu:1", "--Logging:LogLevel:Default=Warning",
            ]);
            await silo.StartAsync();
            try
            {
                var job = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IEvaluationJobGrain>("dashboard-job");
                await job.StartAsync(new JobSpec { ModelPath = model, DataPath = data, ShardSize = 4, BatchSize = 4, DevicePolicy = DevicePolicy.Cpu, OutputFolder = Path.Combine(folder, "out") });
                await UntilAsync(async () => (await job.GetStatusAsync()).IsFinished, "the job's end");
                var dashboard = $"http://localhost:{ports[2]}/";

                // The dashboard's own data API (what its page polls): the job's coordinator and one worker per device.
                using var http = new HttpClient();
                Dictionary<string, int> activations = [];
                await UntilAsync(async () => (activations = await ActivationsAsync(http, dashboard)).ContainsKey(JobGrain) && activations.ContainsKey(WorkerGrain),
                    $"the dashboard's counters to list {JobGrain} and {WorkerGrain}");
                Assert.Equal(1, activations[JobGrain]);
                Assert.Equal(2, activations[WorkerGrain]);

                // The page, rendered: its grain table links each SENet grain type by its short name.
                var dom = await HeadlessChromium.DumpDomAsync(dashboard + "#/grains", Path.Combine(folder, "profile-dom"));
                Assert.Contains("Orleans Dashboard", dom);
                Assert.Contains($"href=\"#/grain/{JobGrain}\">EvaluationJobGrain</a>", dom);
                Assert.Contains($"href=\"#/grain/{WorkerGrain}\">InferenceWorkerGrain</a>", dom);

                var png = Path.Combine(folder, "dashboard.png");
                var log = await HeadlessChromium.ScreenshotAsync(dashboard + "#/grains", Path.Combine(folder, "profile-shot"), png, 1400, 1000);
                Assert.True(File.Exists(png), $"no screenshot; chromium said: {log}");
                using var bitmap = SKBitmap.Decode(png);
                Assert.NotNull(bitmap);
                Assert.Equal((1400, 1000), (bitmap.Width, bitmap.Height));
                // A rendered page (text, icons, the activations chart) has hundreds of colours; a blank or error page a handful.
                var colours = bitmap.Pixels.Select(p => (uint)p).Distinct().Count();
                Assert.True(colours > 200, $"the screenshot has only {colours} distinct colours");
            }
            finally
            {
                await silo.StopAsync();
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Activations by grain type, from the dashboard's counters endpoint.</summary>
    private static async Task<Dictionary<string, int>> ActivationsAsync(HttpClient http, string dashboard)
    {
        using var counters = JsonDocument.Parse(await http.GetStringAsync(dashboard + "DashboardCounters"));
        return counters.RootElement.GetProperty("simpleGrainStats").EnumerateArray()
            .GroupBy(s => s.GetProperty("grainType").GetString()!)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.GetProperty("activationCount").GetInt32()));
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited {Patience} for {what}");
            await Task.Delay(200);
        }
    }
}
