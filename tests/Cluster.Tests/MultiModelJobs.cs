using Orleans.Storage;
using Orleans.TestingHost;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;

namespace SENet.Cluster.Tests;

/// <summary>
/// Runs a job of several models or views on a <see cref="MultiModelClusterFixture"/> with a silo killed mid-job, and
/// checks it against the single-model job of each model × view: count for count and prediction for prediction.
/// </summary>
public static class MultiModelJobs
{
    /// <summary>
    /// Starts <paramref name="spec"/> with every silo's reads held, finds a silo that hosts neither the coordinator, the
    /// job storage nor the test cluster's membership (another job id until one does: a 3-silo cluster may have none),
    /// waits until it holds a lease, lets the others work, kills it mid-job and waits for the end.
    /// </summary>
    public static async Task<(string JobId, JobStatus Done)> RunWithASiloKilledAsync(MultiModelClusterFixture fixture, string name, Func<string, JobSpec> spec)
    {
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        fixture.CloseAllGates();
        try
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                var jobId = $"{name}-{attempt}";
                var job = fixture.Grains.GetGrain<IEvaluationJobGrain>(jobId);
                var started = await job.StartAsync(spec(jobId));
                var storageSilo = await management.GetActivationAddress(fixture.Grains.GetGrain<IMemoryStorageGrain>(0));
                var spared = new[] { started.CoordinatorSilo, storageSilo?.ToParsableString(), fixture.Cluster.Silos[0].SiloAddress.ToParsableString() };
                if (fixture.Cluster.Silos.FirstOrDefault(s => s.IsActive && !spared.Contains(s.SiloAddress.ToParsableString())) is not { } victim)
                {
                    await job.CancelAsync();
                    continue;
                }

                await fixture.WaitUntilHoldingAsync(jobId, victim);
                fixture.OpenGatesExcept(victim);
                var before = await JobDriver.WaitAsync(fixture.Grains, jobId, TimeSpan.FromSeconds(60), s => s.ShardsDone >= 1 || s.IsFinished);
                Assert.False(before.IsFinished, $"the job finished ({before.State}: {before.Error}) while the victim held a lease");

                await fixture.Cluster.KillSiloAsync(victim);
                await fixture.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);
                fixture.OpenAllGates();
                var done = await JobDriver.WaitAsync(fixture.Grains, jobId, TimeSpan.FromSeconds(180));
                Assert.True(done.State == JobState.Completed, $"job {jobId} {done.State}: {done.Error}");
                // Handed back as its silo stopped, or taken back once it was seen dead: either way run again elsewhere.
                Assert.True(done.ShardsRetried >= 1, "no shard of the victim's ran again: it was not killed mid-shard");
                return (jobId, done);
            }

            throw new InvalidOperationException("in 20 jobs no silo was free of the coordinator, the job storage and the membership table");
        }
        finally
        {
            fixture.OpenAllGates();
        }
    }

    /// <summary>
    /// Every evaluation of the ended job <paramref name="jobId"/> against the single-model job of its model and view:
    /// its report (in <see cref="JobResults.Evaluations"/> and under its folder), its predictions, its row of the
    /// combined results.csv.
    /// </summary>
    public static async Task AssertEachEqualsItsSingleModelJobAsync(MultiModelClusterFixture fixture, string jobId, JobSpec spec)
    {
        var results = await fixture.Grains.GetGrain<IEvaluationJobGrain>(jobId).GetResultsAsync();
        Assert.NotNull(results);
        var evaluations = JobEvaluations.Of(spec);
        Assert.Equal(evaluations.Select(e => (e.Model, e.View.ToString(), e.Folder)), results.Evaluations.Select(e => (e.Model, e.View, e.Folder)));
        Assert.Equal(results.Evaluations[0].ReportJson, results.ReportJson);
        var combined = results.ResultsCsv.TrimEnd('\n').Split('\n');
        Assert.Equal(ReportWriter.ResultsCsvHeader + ",view", combined[0]);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(spec.OutputFolder!, "results.csv")), results.ResultsCsv);
        Assert.Equal(evaluations.Count + 1, combined.Length);
        foreach (var (evaluation, shared) in evaluations.Zip(results.Evaluations))
        {
            var alone = await SingleModelJobAsync(fixture, $"{jobId}-alone-{evaluation.Index}", evaluation);
            var report = ReportWriter.FromJson(shared.ReportJson);
            JobDriver.AssertSameCounts(alone.Report, report);
            Assert.Equal((evaluation.Model, alone.Report.ImageSize, alone.Report.CropPct, alone.Report.View), (report.Model, report.ImageSize, report.CropPct, report.View));
            Assert.Equal(alone.Report.ParameterCount, report.ParameterCount);
            Assert.Equal(alone.Report.Reproducibility!.ModelSha256, report.Reproducibility!.ModelSha256);
            var folder = Path.Combine(spec.OutputFolder!, evaluation.Folder);
            Assert.Equal(shared.ReportJson, await File.ReadAllTextAsync(Path.Combine(folder, "report.json")));
            Assert.Equal(shared.ResultsCsv, await File.ReadAllTextAsync(Path.Combine(folder, "results.csv")));
            Assert.True(File.Exists(Path.Combine(folder, "report.html")));
            // Prediction for prediction: every image's label, top-5 and probabilities, as the model's own job wrote them.
            Assert.Equal(await File.ReadAllLinesAsync(Path.Combine(alone.Spec.OutputFolder!, "predictions.csv")), await File.ReadAllLinesAsync(Path.Combine(folder, "predictions.csv")));
            var row = ReportWriter.ToResultsCsv(alone.Report with { Model = evaluation.Model }).Split('\n')[1].Split(',');
            var combinedRow = combined[evaluation.Index + 1].Split(',');
            Assert.Equal(evaluation.View.ToString(), combinedRow[^1]);
            Assert.Equal(evaluation.Model, combinedRow[0]);
            Assert.Equal(row.Length, combinedRow.Length - 1);
        }
    }

    /// <summary>The job of <paramref name="evaluation"/>'s model and view alone, its predictions joined.</summary>
    private static async Task<(EvaluationReport Report, JobSpec Spec)> SingleModelJobAsync(MultiModelClusterFixture fixture, string jobId, JobEvaluation evaluation)
    {
        var spec = fixture.Data.Spec(jobId, shardSize: 16) with { ModelPath = evaluation.ModelPath, View = evaluation.View, JoinPredictions = true };
        return (await JobDriver.RunAsync(fixture.Grains, jobId, spec), spec);
    }

    public static IReadOnlyList<ViewSpec> TwoViews => [ViewSpec.Center, MultiModelClusterFixture.WholeImage];
}
