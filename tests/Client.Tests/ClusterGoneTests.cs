using System.Globalization;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Models;
using SENet.Silo.Hosting;

namespace SENet.Client.Tests;

/// <summary>A job verb whose cluster dies under it: one clear line and exit code 1, never an unhandled crash (134).</summary>
public sealed class ClusterGoneTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("senet-gone-").FullName;

    [Fact]
    public async Task WatchingAJobWhoseSiloIsKilledExitsWithOneAndSaysTheClusterStoppedAnswering()
    {
        var data = Path.Combine(_folder, "data");
        await SyntheticImages.WriteImageFolderAsync(data, classes: 2, imagesPerClass: 2);
        var model = Path.Combine(_folder, "m.onnx");
        await File.WriteAllBytesAsync(model, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 2, InputSize: 32)));
        var ports = FreePorts.Take(2).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray();
        var clusterId = $"gone-{Guid.NewGuid():N}";
        string[] connection = ["--gateway", ports[1], "--cluster-id", clusterId, "--service-id", clusterId];
        var environment = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" };
        // No devices: the job is accepted and stays running with no worker, so it is still running when its silo dies.
        await using var silo = DotnetProcess.Start("senet-silo.dll",
            [$"--SENet:Silo:SiloPort={ports[0]}", $"--SENet:Silo:GatewayPort={ports[1]}", $"--SENet:Silo:ClusterId={clusterId}", $"--SENet:Silo:ServiceId={clusterId}", "--SENet:Devices:CpuDevices=0"],
            environment);
        var submit = (ExitCode: 1, Output: "", Error: "");
        for (var attempt = 0; attempt < 120 && submit.ExitCode != 0; attempt++)
        {
            Assert.False(silo.HasExited, silo.Output);
            await Task.Delay(500);
            submit = await CliRunner.RunAsync(["submit", "--job-id", "orphan", "--data", data, "--model", model, "--out", Path.Combine(_folder, "out"), .. connection]);
        }

        Assert.True(submit.ExitCode == 0, submit.Error);
        await using var watch = DotnetProcess.Start("senet.dll", ["watch", "orphan", .. connection], environment);
        for (var attempt = 0; attempt < 600 && !watch.Output.Contains("progress: 0/", StringComparison.Ordinal); attempt++)
        {
            Assert.False(watch.HasExited, watch.Output);
            await Task.Delay(100);
        }

        Assert.Contains("progress: 0/", watch.Output);
        await silo.DisposeAsync();
        var exitCode = await watch.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 1, $"exit code {exitCode}: {watch.Output}");
        Assert.Contains("error: the SENet cluster stopped answering", watch.Output);
        Assert.DoesNotContain("Unhandled exception", watch.Output);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
