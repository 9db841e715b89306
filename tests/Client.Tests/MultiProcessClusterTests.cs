using System.Globalization;
using Azure.Storage.Blobs;
using SENet.Client.Cluster;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Storage;
using SENet.Silo.Hosting;
using SENet.Tests.Storage;

namespace SENet.Client.Tests;

/// <summary>
/// Two silo processes and the senet client as separate processes on loopback, clustered through Azure Table
/// storage in Azurite, evaluating a dataset held in Azurite's blobs.
/// </summary>
public sealed class MultiProcessClusterTests
{
    [Fact]
    public async Task TheWholeClusterStoppedAndStartedAgainFinishesTheJobWithExactCounts()
    {
        await using var azurite = await Azurite.StartAsync();
        var folder = Directory.CreateTempSubdirectory("senet-restart-").FullName;
        var processes = new List<DotnetProcess>();
        try
        {
            var environment = await UploadAsync(azurite, "restart", folder, imagesPerClass: 60, inputSize: 96);
            var clusterId = $"restart-{Guid.NewGuid():N}";
            string[] cluster = ["--clustering", "azure", "--cluster-id", clusterId, "--service-id", "senet"];
            var first = await StartSilosAsync(processes, clusterId, environment, cluster, joinAttempts: 120);

            await using (var submit = DotnetProcess.Start("senet.dll",
                ["submit", "--job-id", "restart", "--data", azurite.BlobUrl("restart", "data"), "--model", azurite.BlobUrl("restart", "model.onnx"),
                 "--out", azurite.BlobUrl("restart", "out"), "--shard-size", "4", "--device-policy", "cpu", .. cluster], environment))
            {
                Assert.True(await submit.WaitAsync(TimeSpan.FromSeconds(60)) == 0, submit.Output);
            }

            // Watched from an in-process client every 20 ms, not by starting `senet status` (a second each): the cluster
            // is stopped within moments of the third shard, long before the job could finish on a fast machine.
            JobStatus running;
            await using (var watcher = await ClusterConnection.ConnectToAzureAsync(new StorageOptions { ConnectionString = azurite.ConnectionString }, clusterId, "senet", CancellationToken.None))
            {
                var job = watcher.Grains.GetGrain<IEvaluationJobGrain>("restart");
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
                do
                {
                    running = await job.GetStatusAsync();
                    await Task.Delay(20);
                }
                while (running.ShardsDone < 3 && !running.IsFinished && DateTime.UtcNow < deadline);
            }

            Assert.False(running.IsFinished, $"the job finished ({running.State}) before the cluster could be stopped");
            Assert.True(running.ShardsDone >= 3, $"the job made no progress in two minutes: {running.ShardsDone}/{running.ShardsTotal} shards");
            foreach (var silo in first)
            {
                await silo.DisposeAsync();
            }

            await StartSilosAsync(processes, clusterId, environment, cluster, joinAttempts: 120);
            await using var watch = DotnetProcess.Start("senet.dll", ["watch", "restart", .. cluster], environment);
            Assert.True(await watch.WaitAsync(TimeSpan.FromMinutes(4)) == 0, watch.Output);
            var results = Path.Combine(folder, "results");
            await using var fetch = DotnetProcess.Start("senet.dll", ["results", "restart", "--out", results, .. cluster], environment);
            Assert.True(await fetch.WaitAsync(TimeSpan.FromSeconds(60)) == 0, fetch.Output);

            var report = ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(results, "report.json")));
            Assert.Equal((180L, 1L), (report.Images, report.Failed));
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Writes a 3-class ImageFolder (one truncated file) and a seeded model into a container; returns the processes' environment.</summary>
    private static async Task<Dictionary<string, string>> UploadAsync(Azurite azurite, string containerName, string folder, int imagesPerClass, int inputSize)
    {
        var data = Path.Combine(folder, "data");
        await SyntheticImages.WriteImageFolderAsync(data, classes: 3, imagesPerClass, truncatedImages: 1);
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(containerName);
        await container.CreateIfNotExistsAsync();
        foreach (var file in Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories))
        {
            await container.UploadBlobAsync("data/" + Path.GetRelativePath(data, file).Replace('\\', '/'), BinaryData.FromBytes(await File.ReadAllBytesAsync(file)));
        }

        await container.UploadBlobAsync("model.onnx", BinaryData.FromBytes(SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: inputSize))));
        return new Dictionary<string, string> { ["SENet__Storage__ConnectionString"] = azurite.ConnectionString, ["Logging__LogLevel__Default"] = "Warning" };
    }

    /// <summary>Starts two silo processes on free ports and waits until both have joined the cluster.</summary>
    private static async Task<List<DotnetProcess>> StartSilosAsync(List<DotnetProcess> all, string clusterId, Dictionary<string, string> environment, string[] cluster, int joinAttempts)
    {
        var ports = FreePorts.Take(4).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray();
        var started = Enumerable.Range(0, 2).Select(i => DotnetProcess.Start("senet-silo.dll",
        [
            "--SENet:Silo:Clustering=azure", $"--SENet:Silo:ClusterId={clusterId}", "--SENet:Silo:AdvertisedAddress=127.0.0.1",
            $"--SENet:Silo:SiloPort={ports[2 * i]}", $"--SENet:Silo:GatewayPort={ports[2 * i + 1]}", "--SENet:Devices:List=cpu:0",
        ], environment)).ToList();
        all.AddRange(started);
        var joined = "";
        for (var attempt = 0; attempt < joinAttempts && !(joined.Contains($":{ports[0]}@") && joined.Contains($":{ports[2]}@")); attempt++)
        {
            Assert.All(started, p => Assert.False(p.HasExited, $"a silo exited: {p.Output}"));
            await using var silos = DotnetProcess.Start("senet.dll", ["silos", .. cluster], environment);
            await silos.WaitAsync(TimeSpan.FromSeconds(60));
            joined = silos.Output;
            await Task.Delay(500);
        }

        Assert.Contains($":{ports[0]}@", joined);
        Assert.Contains($":{ports[2]}@", joined);
        return started;
    }

    [Fact]
    public async Task TwoSiloProcessesAndTheClientRunABlobJobThroughAzureStorage()
    {
        await using var azurite = await Azurite.StartAsync();
        var folder = Directory.CreateTempSubdirectory("senet-multiprocess-").FullName;
        var processes = new List<DotnetProcess>();
        try
        {
            var environment = await UploadAsync(azurite, "multiproc", folder, imagesPerClass: 8, inputSize: 64);
            var clusterId = $"mp-{Guid.NewGuid():N}";
            string[] cluster = ["--clustering", "azure", "--cluster-id", clusterId, "--service-id", "senet"];
            await StartSilosAsync(processes, clusterId, environment, cluster, joinAttempts: 60);
            var jobId = "multi-process";
            var submitted = false;
            for (var attempt = 0; attempt < 60 && !submitted; attempt++)
            {
                Assert.All(processes, p => Assert.False(p.HasExited, $"a silo exited: {p.Output}"));
                await using var submit = DotnetProcess.Start("senet.dll",
                    ["submit", "--job-id", jobId, "--data", azurite.BlobUrl("multiproc", "data"), "--model", azurite.BlobUrl("multiproc", "model.onnx"), "--out", azurite.BlobUrl("multiproc", "out"),
                     "--shard-size", "3", "--device-policy", "cpu", .. cluster], environment);
                submitted = await submit.WaitAsync(TimeSpan.FromSeconds(60)) == 0;
                if (!submitted)
                {
                    await Task.Delay(1000);
                }
            }

            Assert.True(submitted, "no submit reached the cluster");
            await using var watch = DotnetProcess.Start("senet.dll", ["watch", jobId, .. cluster], environment);
            Assert.True(await watch.WaitAsync(TimeSpan.FromMinutes(3)) == 0, watch.Output);
            await using var status = DotnetProcess.Start("senet.dll", ["status", jobId, .. cluster], environment);
            Assert.Equal(0, await status.WaitAsync(TimeSpan.FromSeconds(60)));
            var results = Path.Combine(folder, "results");
            await using var fetch = DotnetProcess.Start("senet.dll", ["results", jobId, "--out", results, .. cluster], environment);
            Assert.True(await fetch.WaitAsync(TimeSpan.FromSeconds(60)) == 0, fetch.Output);

            var report = ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(results, "report.json")));
            Assert.Equal((24L, 1L), (report.Images, report.Failed));
            Assert.Equal("completed", report.State);
            Assert.Contains("completed", status.Output);
            Assert.DoesNotContain(Azurite.AccountKey, string.Concat(processes.Select(p => p.Output)) + watch.Output + status.Output + fetch.Output);
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }

            Directory.Delete(folder, recursive: true);
        }
    }
}
