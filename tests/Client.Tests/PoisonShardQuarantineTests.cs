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
/// A poison image that kills whichever silo evaluates it, in a real multi-process cluster: worker silos inject the
/// fault (SENet:FaultInjection:TerminateOnImage) and are restarted when they die, as Kubernetes restarts a pod. The
/// shard is quarantined after two deaths and bisected one silo at a time; the image fails alone and every other image
/// is scored, while the coordinators' silo (HostsCoordinators, no devices) never dies.
/// </summary>
public sealed class PoisonShardQuarantineTests
{
    private const string Poison = "b03-poison.jpg";

    [Fact]
    public async Task AnImageThatKillsItsSiloIsQuarantinedBisectedAndFailedAloneWhileTheRestIsScored()
    {
        await using var azurite = await Azurite.StartAsync();
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("poison");
        await container.CreateIfNotExistsAsync();
        // 13 images in ImageFolder order; shards of 4 put the poison second in shard 2: [b02, poison, b03, b04].
        var names = Enumerable.Range(0, 6).Select(i => $"class0/a{i:D2}.jpg").Concat(Enumerable.Range(0, 6).Select(i => $"class1/b{i:D2}.jpg")).Append($"class1/{Poison}").ToList();
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
        {
            await container.UploadBlobAsync("data/" + name, BinaryData.FromBytes(SyntheticImages.RenderJpeg(80, 60, name.StartsWith("class0", StringComparison.Ordinal) ? 0 : 1, i)));
        }

        await container.UploadBlobAsync("model.onnx", BinaryData.FromBytes(SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 2, InputSize: 32))));
        var environment = new Dictionary<string, string> { ["SENet__Storage__ConnectionString"] = azurite.ConnectionString, ["Logging__LogLevel__Default"] = "Warning", ["Logging__LogLevel__SENet.Grains"] = "Information" };
        var clusterId = $"poison-{Guid.NewGuid():N}";
        string[] cluster = ["--clustering", "azure", "--cluster-id", clusterId, "--service-id", "senet"];
        var ports = FreePorts.Take(6).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray();
        string[] Silo(int i, params string[] more) =>
        [
            "--SENet:Silo:Clustering=azure", $"--SENet:Silo:ClusterId={clusterId}", "--SENet:Silo:AdvertisedAddress=127.0.0.1",
            $"--SENet:Silo:SiloPort={ports[2 * i]}", $"--SENet:Silo:GatewayPort={ports[2 * i + 1]}", .. more,
        ];
        string[] Worker(int i) => Silo(i, "--SENet:Devices:List=cpu:0", "--SENet:Silo:HostsCoordinators=false", $"--SENet:FaultInjection:TerminateOnImage={Poison}");

        var coordinators = DotnetProcess.Start("senet-silo.dll", Silo(0, "--SENet:Devices:CpuDevices=0"), environment);
        var workers = new[] { DotnetProcess.Start("senet-silo.dll", Worker(1), environment), DotnetProcess.Start("senet-silo.dll", Worker(2), environment) };
        var retired = new List<DotnetProcess>();
        var deaths = 0;
        using var stop = new CancellationTokenSource();
        // The supervisor: a worker silo that died is started again on its ports, as a Deployment replaces a pod.
        var supervisor = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                for (var i = 0; i < workers.Length; i++)
                {
                    if (workers[i].HasExited)
                    {
                        deaths++;
                        retired.Add(workers[i]);
                        workers[i] = DotnetProcess.Start("senet-silo.dll", Worker(i + 1), environment);
                    }
                }

                await Task.Delay(200);
            }
        });
        try
        {
            await using var client = await ConnectAsync(azurite, clusterId);
            var joinDeadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (await RetryAsync(() => client.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)) is var hosts && hosts.Count < 3)
            {
                Assert.True(DateTime.UtcNow < joinDeadline, $"only {hosts.Count} of 3 silos joined in 3 minutes");
                await Task.Delay(500);
            }

            // The job grain's type is known once the coordinators' silo is in the manifest the client's gateway serves.
            IEvaluationJobGrain Job() => client.Grains.GetGrain<IEvaluationJobGrain>("poison");
            var spec = new JobSpec
            {
                ModelPath = azurite.BlobUrl("poison", "model.onnx"), DataPath = azurite.BlobUrl("poison", "data"), OutputFolder = azurite.BlobUrl("poison", "out"),
                ShardSize = 4, BatchSize = 4, DevicePolicy = DevicePolicy.Cpu,
            };
            JobStatus status = await RetryAsync(() => Job().StartAsync(spec));
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(6);
            while (!status.IsFinished && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
                status = await RetryAsync(() => Job().GetStatusAsync());
            }

            Assert.False(coordinators.HasExited, $"the coordinators' silo died: {coordinators.Output}");
            Assert.True(status.State == JobState.Completed, $"job {status.State} after {deaths} silo deaths: {status.Error}\n{coordinators.Output}");
            var results = await RetryAsync(() => Job().GetResultsAsync()) ?? throw new InvalidOperationException("no results");
            var report = ReportWriter.FromJson(results.ReportJson);
            Assert.Equal((12L, 1L), (report.Images, report.Failed));
            var failure = Assert.Single(report.Failures);
            Assert.Equal($"class1/{Poison}", failure.ImageId);
            Assert.Equal("quarantine", failure.Stage);
            Assert.Contains("failed alone", failure.Reason);
            // The coordinator's own account (its log at Information): the shard was quarantined after two deaths of its
            // holders, and bisection named the poison image once. The coordinator lives through every worker silo's
            // death without a reactivation (the strongly consistent grain directory recovers its entry), and the holders
            // of its leases are stored should it restart, so every death of the injected fault is counted against the
            // shard and every death is one the quarantine needs: two to quarantine the four-image shard, then one per
            // bisection level (a two-image half, then the image alone).
            Assert.Contains("shard 2 killed 2 silos; quarantined", coordinators.Output);
            Assert.Single(coordinators.Output.Split('\n'), l => l.Contains($"image class1/{Poison} of shard 2 killed its silo", StringComparison.Ordinal));
            Assert.DoesNotContain("reactivated on", coordinators.Output, StringComparison.Ordinal);
            var poisonDeaths = retired.Count(w => w.Output.Contains("fault injection:", StringComparison.Ordinal));
            var counted = int.Parse(System.Text.RegularExpressions.Regex.Match(failure.Reason, @"\((\d+) silos died").Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.True((poisonDeaths, deaths, counted) == (4, 4, 4), $"{poisonDeaths} silos died of the poison image of {deaths} silo exits, {counted} counted against its shard, 4 needed\n{coordinators.Output}");
            var predictions = await container.GetBlobClient("out/" + JobOutputNames.PredictionsPart(2)).DownloadContentAsync();
            var rows = predictions.Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(["class1/b02.jpg", "class1/b03.jpg", "class1/b04.jpg"], rows.Skip(1).Select(r => r.Split(',')[0]).Order(StringComparer.Ordinal));
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{e.Message}\ncoordinators' silo: {coordinators.Output}\nworker silos: {string.Join("\n", workers.Concat(retired).Select(w => w.Output))}", e);
        }
        finally
        {
            await stop.CancelAsync();
            await supervisor;
            foreach (var process in workers.Concat(retired).Append(coordinators))
            {
                await process.DisposeAsync();
            }
        }
    }

    private static async Task<ClusterConnection> ConnectAsync(Azurite azurite, string clusterId)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await ClusterConnection.ConnectToAzureAsync(new StorageOptions { ConnectionString = azurite.ConnectionString }, clusterId, "senet", CancellationToken.None);
            }
            catch (Exception) when (attempt < 120)
            {
                await Task.Delay(500);
            }
        }
    }

    /// <summary>Grain calls go through whichever gateway the client holds; one on a silo that just died is retried.</summary>
    private static async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (attempt < 240 && e is not JobRejectedException)
            {
                await Task.Delay(500);
            }
        }
    }
}
