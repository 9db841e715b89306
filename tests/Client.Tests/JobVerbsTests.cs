using System.Collections.Concurrent;
using System.Diagnostics;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Telemetry;

namespace SENet.Client.Tests;

public sealed class JobVerbsTests(EmbeddedClusterFixture fixture) : IClassFixture<EmbeddedClusterFixture>
{
    [Fact]
    public async Task SubmitWatchStatusResultsAndJobsWorkAgainstARunningSilo()
    {
        var output = Path.Combine(fixture.Folder, "out-verbs");
        var submit = await CliRunner.RunAsync(["submit", "--data", fixture.Data, "--model", fixture.Model, "--shard-size", "4", "--name", "verbs", "--device-policy", "cpu", "--out", output, .. fixture.Connection]);
        Assert.True(submit.ExitCode == 0, submit.Error);
        var jobId = submit.Output.Trim();
        Assert.StartsWith("job-", jobId);

        var watch = await CliRunner.RunAsync(["watch", jobId, .. fixture.Connection]);
        var status = await CliRunner.RunAsync(["status", jobId, .. fixture.Connection]);
        var html = Path.Combine(fixture.Folder, "html", "report.html");
        var results = await CliRunner.RunAsync(["results", jobId, "--out", Path.Combine(fixture.Folder, "fetched"), "--html", html, .. fixture.Connection]);
        var jobs = await CliRunner.RunAsync(["jobs", .. fixture.Connection]);

        Assert.True(watch.ExitCode == 0, watch.Error);
        Assert.Contains("completed", watch.Output);
        Assert.Contains("progress: 16/16 images (1 failed)", watch.Error);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("cpu:1", status.Output);
        Assert.Contains("queue: 0 shards waiting", status.Output);
        Assert.Equal(0, results.ExitCode);
        Assert.Contains("top-1 error", results.Output);
        var fetched = ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(fixture.Folder, "fetched", "report.json")));
        Assert.Equal((15L, 1L), (fetched.Images, fetched.Failed));
        // One predictions file from the shards' parts: one header, one row per scored image, each image once.
        var predictions = await File.ReadAllLinesAsync(Path.Combine(fixture.Folder, "fetched", "predictions.csv"));
        Assert.Equal(15, predictions.Length - 1);
        Assert.Equal(1, predictions.Count(l => l == predictions[0]));
        Assert.Equal(15, predictions.Skip(1).Select(l => l.Split(',')[0]).Distinct().Count());
        Assert.Contains("predictions.csv: 15 images from 4 shard parts", results.Output);
        Assert.Contains("<svg id=\"accuracy\"", await File.ReadAllTextAsync(Path.Combine(fixture.Folder, "fetched", "report.html")));
        Assert.True(File.Exists(Path.Combine(output, "report.json")));
        Assert.True(File.Exists(Path.Combine(output, "report.html")));
        var page = await File.ReadAllTextAsync(html);
        Assert.Contains("<svg id=\"throughput\"", page);
        Assert.Contains("<svg id=\"accuracy\"", page);
        Assert.Contains("truncated_000.jpg", page);
        Assert.Contains("cpu:1", page);
        Assert.Contains(jobId, jobs.Output);
        Assert.Contains("verbs", jobs.Output);
    }

    [Fact]
    public async Task AnExistingJobIdIsNeverASilentNoOp()
    {
        var jobId = $"existing-{Guid.NewGuid():N}";
        var first = Path.Combine(fixture.Folder, "out-existing-1");
        var second = Path.Combine(fixture.Folder, "out-existing-2");
        string[] job = ["submit", "--job-id", jobId, "--data", fixture.Data, "--model", fixture.Model, "--device", "cpu"];
        var submitted = await CliRunner.RunAsync([.. job, "--out", first, .. fixture.Connection]);
        Assert.True(submitted.ExitCode == 0, submitted.Error);

        var elsewhere = await CliRunner.RunAsync([.. job, "--out", second, .. fixture.Connection]);
        var again = await CliRunner.RunAsync([.. job, "--out", first, .. fixture.Connection]);
        await CliRunner.RunAsync(["watch", jobId, .. fixture.Connection]);

        Assert.Equal(1, elsewhere.ExitCode);
        Assert.Contains($"Job '{jobId}' already exists", elsewhere.Error);
        Assert.Contains(first, elsewhere.Error);
        Assert.False(Directory.Exists(second));
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(jobId, again.Output.Trim());
        Assert.Matches($"job {jobId} already exists: (planning|running|completed), ", again.Error);
        Assert.DoesNotContain("submitted:", again.Error);
    }

    [Fact]
    public async Task CancelEndsAJobAndItsReportSaysSo()
    {
        var submit = await CliRunner.RunAsync(["submit", "--data", fixture.Data, "--model", fixture.Model, "--shard-size", "1", "--device-policy", "cpu", .. fixture.Connection]);
        var jobId = submit.Output.Trim();

        var cancel = await CliRunner.RunAsync(["cancel", jobId, .. fixture.Connection]);
        var watch = await CliRunner.RunAsync(["watch", jobId, .. fixture.Connection]);
        var results = await CliRunner.RunAsync(["results", jobId, .. fixture.Connection]);

        Assert.Equal(0, cancel.ExitCode);
        Assert.True(cancel.Output.Contains("cancelled") || cancel.Output.Contains("completed"), cancel.Output);
        Assert.Equal(cancel.Output.Contains("cancelled") ? 1 : 0, watch.ExitCode);
        Assert.Equal(0, results.ExitCode);
    }

    [Fact]
    public async Task ABadJobIsRefusedWithTheReasonAndUnknownJobsAreNamed()
    {
        var submit = await CliRunner.RunAsync(["submit", "--data", Path.Combine(fixture.Folder, "absent"), "--model", fixture.Model, .. fixture.Connection]);
        var status = await CliRunner.RunAsync(["status", "no-such-job", .. fixture.Connection]);

        Assert.Equal(1, submit.ExitCode);
        Assert.Contains("error:", submit.Error);
        Assert.Contains("absent", submit.Error);
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("No job 'no-such-job'", status.Error);
    }

    [Fact]
    public async Task NoClusterAtTheGatewayIsAClearError()
    {
        var (exitCode, _, error) = await CliRunner.RunAsync("jobs", "--gateway", "1", "--cluster-id", "nobody");

        Assert.Equal(1, exitCode);
        Assert.Contains("No SENet cluster answered at gateway 127.0.0.1:1", error);
    }

    [Fact]
    public async Task AJobSubmittedInsideATraceJoinsThatTrace()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is EvaluationTelemetry.Name or "SENet.Client.Tests" || s.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("SENet.Client.Tests");

        ActivityTraceId trace;
        string jobId;
        using (var caller = source.StartActivity("pipeline step that submits")!)
        {
            trace = caller.TraceId;
            var submit = await CliRunner.RunAsync(["submit", "--data", fixture.Data, "--model", fixture.Model, "--device-policy", "cpu", .. fixture.Connection]);
            Assert.Equal(0, submit.ExitCode);
            jobId = submit.Output.Trim();
        }

        await CliRunner.RunAsync(["watch", jobId, .. fixture.Connection]);
        Activity? job = null;
        for (var attempt = 0; attempt < 100 && job is null; attempt++)
        {
            job = stopped.FirstOrDefault(a => a.OperationName == "senet.job" && Equals(a.GetTagItem(TelemetryTags.Job), jobId));
            await Task.Delay(50);
        }

        Assert.NotNull(job);
        Assert.Equal(trace, job.TraceId);
    }
}
