using System.Diagnostics;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;
using SENet.Grains.Devices;
using SENet.Silo.Hosting;
using Spectre.Console;

namespace SENet.Client.Benchmarks;

/// <summary>
/// Images/s of an in-process cluster of several silos against the engine alone in one process: same images, same
/// small model, same cores. What the cluster loses is the cost of coordination (leases, grain calls, manifests).
/// </summary>
public sealed class ClusterBenchmark(CliConsole console, int silos, int images, int inputSize, int shardSize)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("senet-bench-cluster-").FullName;
        try
        {
            console.Error.WriteLine($"bench: writing {images} photograph-like 500×375 JPEGs and a seresnet18 at {inputSize}×{inputSize}");
            var data = Path.Combine(folder, "data");
            await SyntheticImages.WriteImageFolderAsync(data, classes: 10, imagesPerClass: images / 10, cancellationToken: cancellationToken);
            var model = Path.Combine(folder, "model.onnx");
            await File.WriteAllBytesAsync(model, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 10, InputSize: inputSize)), cancellationToken);
            var plan = await DatasetPlanner.PlanAsync(new LocalFolderSource(data), new DatasetSpec(), 10, cancellationToken);

            // Engine alone: one pipeline, every core.
            using (var session = await ClassifierSession.CreateFromFileAsync(model, new ClassifierSessionOptions(InferenceDevice.Cpu, 32), cancellationToken))
            using (var decoder = new ImageDecoder())
            {
                await new EvaluationPipeline(session, new LocalFolderSource(data), decoder, new PreprocessSpec(inputSize)).RunAsync(plan.Images.Take(64).ToList(), cancellationToken: cancellationToken);
                var stopwatch = Stopwatch.StartNew();
                await new EvaluationPipeline(session, new LocalFolderSource(data), decoder, new PreprocessSpec(inputSize)).RunAsync(plan.Images, cancellationToken: cancellationToken);
                EngineImagesPerSecond = plan.Images.Count / stopwatch.Elapsed.TotalSeconds;
            }

            // The cluster: silos in this process, one CPU device each, the cores shared between them (inference threads
            // and decode workers alike). Two shards in flight per worker, as on a GPU: one decodes while the other's batch
            // runs, so a shard's boundary does not drain the pipeline (with one, the cluster reached 85–89 % here).
            var threads = Math.Max(1, Environment.ProcessorCount / silos);
            await using (var cluster = await EmbeddedCluster.StartAsync(new DeviceOptions { List = "cpu:0", CpuThreads = threads, DecodeWorkers = threads, ShardsInFlight = 2 }, silos, cancellationToken: cancellationToken))
            {
                var spec = new JobSpec { ModelPath = model, DataPath = data, ShardSize = shardSize, BatchSize = 32, DevicePolicy = DevicePolicy.Cpu, OutputFolder = Path.Combine(folder, "warm") };
                await RunJobAsync(cluster, "warm-up", spec with { DataPath = data }, cancellationToken);
                var stopwatch = Stopwatch.StartNew();
                var status = await RunJobAsync(cluster, "measured", spec with { OutputFolder = Path.Combine(folder, "measured") }, cancellationToken);
                ClusterImagesPerSecond = status.ImagesDone / stopwatch.Elapsed.TotalSeconds;
                SilosUsed = status.Workers.Where(w => w.ShardsCompleted > 0).Select(w => w.Silo).Distinct().Count();
            }

            var table = new Table().Border(TableBorder.Rounded).Title($"[bold]senet bench --cluster[/] ({Environment.ProcessorCount} cores)").AddColumns("measure", "figure", "detail");
            table.AddRow("engine alone", $"{EngineImagesPerSecond:F1} images/s", Markup.Escape($"{plan.Images.Count} images, one process, one pipeline on every core"));
            table.AddRow($"cluster of {silos} silos", $"{ClusterImagesPerSecond:F1} images/s", Markup.Escape($"{SilosUsed} silos took shards; shard size {shardSize}; {threads} ONNX Runtime thread(s), {threads} decode worker(s) and 2 shards in flight per silo; wall time from submit to report"));
            table.AddRow("cluster / engine", $"{ClusterImagesPerSecond / EngineImagesPerSecond * 100:F0} %", "target ≥ 90 %");
            console.Out.Write(table);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public double EngineImagesPerSecond { get; private set; }

    public double ClusterImagesPerSecond { get; private set; }

    public int SilosUsed { get; private set; }

    private static async Task<JobStatus> RunJobAsync(EmbeddedCluster cluster, string name, JobSpec spec, CancellationToken cancellationToken)
    {
        var jobId = $"bench-{name}-{Guid.NewGuid():N}";
        var job = cluster.Grains.GetGrain<IEvaluationJobGrain>(jobId);
        await job.StartAsync(spec);
        while (true)
        {
            var status = await job.GetStatusAsync();
            if (status.IsFinished)
            {
                return status.State == JobState.Completed ? status : throw new InvalidOperationException($"Benchmark job {status.State}: {status.Error}");
            }

            await Task.Delay(20, cancellationToken);
        }
    }
}
