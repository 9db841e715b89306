using System.Globalization;
using System.Text.RegularExpressions;
using SENet.Client.Cluster;
using SENet.Contracts.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Storage;
using SENet.Silo.Hosting;
using SENet.Silo.Tests.Dashboards;
using Spectre.Console.Testing;

namespace SENet.Client.Tests;

/// <summary>
/// <c>senet watch</c> against real jobs on a real silo (two CPU workers, 16 images, one of them a truncated JPEG):
/// plain lines when the output is not a terminal, the live view on an interactive console, the summary at the end.
/// </summary>
public sealed partial class WatchCommandTests(EmbeddedClusterFixture fixture) : IClassFixture<EmbeddedClusterFixture>
{
    [Fact]
    public async Task RedirectedOutputGetsPlainProgressDeviceFailureAndSummaryLines()
    {
        // A silo whose read of the last image waits for the test: the job is held running, whatever the machine's speed.
        var ports = FreePorts.Take(2);
        var clusterId = $"watch-{Guid.NewGuid():N}";
        var builder = Host.CreateApplicationBuilder(
        [
            $"--SENet:Silo:SiloPort={ports[0]}", $"--SENet:Silo:GatewayPort={ports[1]}", $"--SENet:Silo:ClusterId={clusterId}", $"--SENet:Silo:ServiceId={clusterId}",
            "--SENet:Devices:List=cpu:0,cpu:1", "--Logging:LogLevel:Default=Warning",
        ]);
        builder.AddSenetSilo();
        var gate = new GatedDatasetSourceFactory(new DatasetSourceFactory(new StorageOptions()), "class_002/img_00004.jpg");
        builder.Services.AddSingleton<IDatasetSourceFactory>(gate);
        using var silo = builder.Build();
        await silo.StartAsync();
        try
        {
            string[] connection = ["--gateway", ports[1].ToString(CultureInfo.InvariantCulture), "--cluster-id", clusterId, "--service-id", clusterId];
            var output = Path.Combine(fixture.Folder, "out-watch-plain");
            var jobId = await SubmitToAsync(connection, output);
            var stdout = new StringWriter();
            var buffer = new StringWriter();
            var stderr = TextWriter.Synchronized(buffer);
            var watching = SenetCommandLine.InvokeAsync(["watch", jobId, .. connection], stdout, stderr);

            // While the job is held: the failed image, and a progress line with a rate and an ETA.
            var job = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IEvaluationJobGrain>(jobId);
            for (var attempt = 0; attempt < 1200 && !HeldLinesShown(stderr, buffer); attempt++)
            {
                Assert.False(watching.IsCompleted, Read(stderr, buffer));
                await Task.Delay(50);
            }

            Assert.True(HeldLinesShown(stderr, buffer), Read(stderr, buffer));
            Assert.False((await job.GetStatusAsync()).IsFinished);
            gate.Release();
            var exitCode = await watching;

            var lines = Read(stderr, buffer).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.True(exitCode == 0, string.Join('\n', lines));
            Assert.DoesNotContain('\u001b', stdout.ToString() + string.Join('\n', lines));
            var progress = lines.Where(l => l.StartsWith("progress: ", StringComparison.Ordinal)).ToList();
            Assert.All(progress, l => Assert.Matches(ProgressLine(), l));
            Assert.StartsWith("progress: 16/16 images (1 failed), 100.0 %, ", progress[^1]);
            Assert.EndsWith("(completed)", progress[^1]);
            // The truncated image, once.
            var failure = Assert.Single(lines, l => l.StartsWith("failed: ", StringComparison.Ordinal));
            Assert.StartsWith("failed: class_000/truncated_000.jpg: decode: ", failure);
            // The final device lines: one per worker, whose images add up to the job's.
            var devices = lines.Skip(Array.IndexOf(lines, progress[^1]) + 1).Select(l => DeviceLine().Match(l)).ToList();
            Assert.All(devices, d => Assert.True(d.Success, string.Join('\n', lines)));
            Assert.Equal(["cpu:0", "cpu:1"], devices.Select(d => d.Groups["device"].Value).Order(StringComparer.Ordinal));
            Assert.Equal(16, devices.Sum(d => int.Parse(d.Groups["images"].Value, CultureInfo.InvariantCulture)));
            Assert.All(devices, d => Assert.Equal("0", d.Groups["held"].Value));
            // The summary on standard output, with the report's own figures and where the outputs are.
            var report = ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(output, "report.json")));
            Assert.Contains($"{jobId} completed: 15 scored, 1 failed; top-1 error {report.Top1Error.ToString("F3", CultureInfo.InvariantCulture)} %, top-5 error {report.Top5Error.ToString("F3", CultureInfo.InvariantCulture)} %", stdout.ToString());
            Assert.Contains($"outputs: {output} (report.json", stdout.ToString());
        }
        finally
        {
            gate.Release();
            await silo.StopAsync();
        }
    }

    private static bool HeldLinesShown(TextWriter stderr, StringWriter buffer)
    {
        var text = Read(stderr, buffer);
        return text.Contains("failed: class_000/truncated_000.jpg", StringComparison.Ordinal) && RunningProgressLine().IsMatch(text);
    }

    /// <summary>The text so far: the synchronized writer locks itself while it writes to the buffer.</summary>
    private static string Read(TextWriter synchronized, StringWriter buffer)
    {
        lock (synchronized)
        {
            return buffer.ToString();
        }
    }

    [Fact]
    public async Task AJobThatFailsPartWaySaysHowManyImagesItEvaluatedAndExitsWithOne()
    {
        var output = Path.Combine(fixture.Folder, "out-watch-failed");
        // One failed image is one too many: the job fails when the truncated image's shard is merged.
        var jobId = await SubmitAsync(output, "--max-failed", "0");

        var (exitCode, stdout, stderr) = await CliRunner.RunAsync(["watch", jobId, .. fixture.Connection]);

        Assert.Equal(1, exitCode);
        var report = ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(output, "report.json")));
        Assert.Equal("failed", report.State);
        Assert.Contains($"{jobId} failed (partial: {report.Images + report.Failed} of 16 images): {report.Images} scored, 1 failed", stdout);
        Assert.Contains("reason: 1 failed images exceed the threshold", stdout);
        Assert.Single(stderr.Split('\n'), l => l.StartsWith("failed: ", StringComparison.Ordinal) && l.Contains("truncated_000.jpg", StringComparison.Ordinal));
        Assert.Contains("(failed)", stderr);
    }

    [Fact]
    public async Task AnInteractiveConsoleGetsTheLiveBarAndDeviceRowsWithFailuresPrintedOnceAboveThem()
    {
        var jobId = await SubmitAsync(Path.Combine(fixture.Folder, "out-watch-live"));
        var console = new TestConsole().Interactive().Width(140);
        var plain = new StringWriter();

        var status = await JobWatcher.WatchAsync(console, plain, fixture.Cluster.Grains, jobId, CancellationToken.None);

        Assert.Equal(JobState.Completed, status.State);
        var screen = console.Output;
        Assert.Equal("", plain.ToString());
        // The bar (Spectre's breakdown chart) with its legend, the rate and ETA, and the device table's header and rows.
        Assert.Contains(new string('█', 10), screen);
        Assert.Contains("scored 15", screen);
        Assert.Contains("failed 1", screen);
        Assert.Matches(@"100\.0 %\s+\d+\.\d images/s\s+ETA -", screen);
        Assert.Matches(@"silo\s*│\s*device\s*│\s*images\s*│\s*images/s\s*│\s*shards held", screen);
        foreach (var worker in status.Workers)
        {
            Assert.Matches($@"{Regex.Escape(worker.Silo)}\s*│\s*{Regex.Escape(worker.Device)}\s*│", screen);
        }

        Assert.Equal(1, Regex.Count(screen, @"failed: \S*truncated_000\.jpg"));
    }

    private Task<string> SubmitAsync(string output, params string[] extra) => SubmitToAsync(fixture.Connection, output, extra);

    private async Task<string> SubmitToAsync(string[] connection, string output, params string[] extra)
    {
        var submit = await CliRunner.RunAsync(["submit", "--data", fixture.Data, "--model", fixture.Model, "--shard-size", "4", "--device", "cpu", "--out", output, .. extra, .. connection]);
        Assert.True(submit.ExitCode == 0, submit.Error);
        return submit.Output.Trim();
    }

    [GeneratedRegex(@"^progress: \d+/16 images \(\d+ failed\), \d+\.\d %, \d+\.\d images/s, ETA (-|\d+:\d\d), elapsed \d+:\d\d( \(\w+\))?$")]
    private static partial Regex ProgressLine();

    [GeneratedRegex(@"^progress: \d+/16 images \(\d+ failed\), \d+\.\d %, \d+\.\d images/s, ETA \d+:\d\d, elapsed \d+:\d\d$", RegexOptions.Multiline)]
    private static partial Regex RunningProgressLine();

    [GeneratedRegex(@"^device (?<device>cpu:\d) on (?<silo>\S+): (?<images>\d+) images, \d+\.\d images/s, (?<held>\d+) shards? held, \d+ shards? done$")]
    private static partial Regex DeviceLine();
}
