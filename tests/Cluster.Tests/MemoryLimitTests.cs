using System.Globalization;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Models;

namespace SENet.Cluster.Tests;

public sealed class MemoryLimitTests(MemoryLimitFixture fixture) : IClassFixture<MemoryLimitFixture>
{
    [Fact]
    public async Task AGpuWhoseMemoryLimitTheModelsCannotFitStopsWithTheFigureAndTheOthersFinishTheJob()
    {
        var spec = fixture.Data.Spec("memory-limit", shardSize: 8) with
        {
            DevicePolicy = DevicePolicy.Auto,
            Models = [new("first", fixture.Data.ModelPath), new("second", fixture.SecondModelPath)],
        };

        await JobDriver.RunAsync(fixture.Grains, "memory-limit", spec);
        var status = await fixture.Grains.GetGrain<IEvaluationJobGrain>("memory-limit").GetStatusAsync();

        var gpu = Assert.Single(status.Workers, w => w.Device == MemoryLimitFixture.GpuDevice);
        Assert.Equal((0, 0L), (gpu.ShardsCompleted, gpu.ImagesDone));
        // Each session: 4-byte parameters, and a batch of 4 images of 3×32×32 floats, 16 input-sized tensors per image;
        // two sessions (streams) per model on a GPU.
        long Session(string path) => ModelInspector.Inspect(File.ReadAllBytes(path)).Parameters * 4 + 4L * 3 * 32 * 32 * 4 * 16;
        var mib = (2 * (Session(fixture.Data.ModelPath) + Session(fixture.SecondModelPath)) + (1 << 20) - 1) >> 20;
        var report = Evaluation.Metrics.ReportWriter.FromJson((await fixture.Grains.GetGrain<IEvaluationJobGrain>("memory-limit").GetResultsAsync())!.ReportJson);
        var note = Assert.Single(report.Notes, n => n.Contains(MemoryLimitFixture.GpuDevice, StringComparison.Ordinal));
        Assert.Contains($"the job's models did not load on {MemoryLimitFixture.GpuDevice}: {MemoryLimitFixture.GpuDevice} would hold 4 session(s) (2 model(s) × 2 stream(s)) " +
            $"needing about {mib.ToString("N0", CultureInfo.InvariantCulture)} MiB", note);
        Assert.Contains("more than SENet:Devices:Cuda:MemoryLimitMb = 1 MiB", note);
    }
}
