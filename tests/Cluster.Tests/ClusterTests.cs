using System.Net;
using SENet.Contracts.Jobs;
using SENet.Contracts.Workers;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;

namespace SENet.Cluster.Tests;

public sealed class ClusterTests(ClusterFixture cluster, SingleSiloFixture single) : IClassFixture<ClusterFixture>, IClassFixture<SingleSiloFixture>
{
    [Fact]
    public async Task EveryWorkerRunsOnTheSiloItsKeyNamesOnePerDevice()
    {
        var placed = new List<WorkerStatus>();
        foreach (var silo in cluster.Cluster.Silos)
        {
            foreach (var device in new[] { "cpu:0", "cpu:1" })
            {
                placed.Add(await cluster.Grains.GetGrain<IInferenceWorkerGrain>(WorkerKey.Format(silo.SiloAddress.ToParsableString(), device)).GetStatusAsync());
            }
        }

        Assert.Equal(6, placed.Select(p => p.Worker).Distinct().Count());
        Assert.All(placed, p => Assert.Equal(WorkerKey.Parse(p.Worker).Silo, p.HostSilo));
        Assert.Equal(3, placed.Select(p => p.HostSilo).Distinct().Count());
    }

    [Fact]
    public async Task AWorkerForASiloThatIsNotInTheClusterIsNeverPlaced()
    {
        var absent = SiloAddress.New(IPAddress.Loopback, 1, 1).ToParsableString();

        await Assert.ThrowsAnyAsync<Exception>(() => cluster.Grains.GetGrain<IInferenceWorkerGrain>(WorkerKey.Format(absent, "cuda:0")).GetStatusAsync());
    }

    [Fact]
    public async Task AWorkerForADeviceItsSiloDoesNotOfferIsNeverPlaced()
    {
        var silo = cluster.Cluster.Silos[1].SiloAddress.ToParsableString();

        var refused = await Assert.ThrowsAnyAsync<OrleansException>(() => cluster.Grains.GetGrain<IInferenceWorkerGrain>(WorkerKey.Format(silo, "cuda:7")).GetStatusAsync());

        Assert.Contains("offers only cpu:0,cpu:1", refused.Message);
        Assert.Equal(silo, (await cluster.Grains.GetGrain<IInferenceWorkerGrain>(WorkerKey.Format(silo, "cpu:1")).GetStatusAsync()).HostSilo);
    }

    [Fact]
    public async Task EachShardReadsAsManyImagesAtOnceAsItsSiloIsConfiguredTo()
    {
        var silo = single.Cluster.Silos[0];
        var gate = ClusterFixture.GateOf(silo);
        single.CloseAllGates();
        try
        {
            var job = single.Grains.GetGrain<IEvaluationJobGrain>("read-concurrency");
            await job.StartAsync(single.Data.Spec("read-concurrency", shardSize: 10));
            await single.WaitUntilHoldingAsync("read-concurrency", silo);

            // Both shards in flight wait at the closed gate with exactly ReadConcurrency reads each, and no more come.
            async Task<int> HeldAsync() => (await job.GetStatusAsync()).Workers.Sum(w => w.ShardsHeld);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while ((await HeldAsync() != 2 || gate.Waiting != 2 * single.ReadConcurrency) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            await Task.Delay(300);
            Assert.Equal(2, await HeldAsync());
            Assert.Equal(2 * single.ReadConcurrency, gate.Waiting);
        }
        finally
        {
            single.OpenAllGates();
        }

        Assert.Equal(JobState.Completed, (await JobDriver.WaitAsync(single.Grains, "read-concurrency")).State);
    }

    [Fact]
    public async Task TheEtaGaugeStaysUnsetWhileTheEtaIsUnknownAndEndsAtZero()
    {
        const string jobId = "eta-unknown";
        var etas = new System.Collections.Concurrent.ConcurrentQueue<double>();
        var ticks = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Evaluation.Telemetry.EvaluationTelemetry.Name && instrument.Name is "senet.job.eta" or "senet.job.progress")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == Evaluation.Telemetry.TelemetryTags.Job && Equals(tag.Value, jobId))
                {
                    if (instrument.Name == "senet.job.eta")
                    {
                        etas.Enqueue(value);
                    }
                    else
                    {
                        Interlocked.Increment(ref ticks);
                    }
                }
            }
        });
        listener.Start();
        var silo = single.Cluster.Silos[0];
        single.CloseAllGates();
        try
        {
            await single.Grains.GetGrain<IEvaluationJobGrain>(jobId).StartAsync(single.Data.Spec(jobId, shardSize: 10));
            await single.WaitUntilHoldingAsync(jobId, silo);
            // The coordinator records its gauges on every tick; two ticks pass with no image done, so no ETA exists.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            var seen = Volatile.Read(ref ticks);
            while (Volatile.Read(ref ticks) < seen + 2 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            Assert.True(Volatile.Read(ref ticks) >= seen + 2, "the coordinator recorded no gauges");
            Assert.Empty(etas);
        }
        finally
        {
            single.OpenAllGates();
        }

        Assert.Equal(JobState.Completed, (await JobDriver.WaitAsync(single.Grains, jobId)).State);
        Assert.Equal(0, etas.Last());
    }

    [Fact]
    public async Task ACancelledJobsResultsCsvSaysHowManyOfTheDatasetsImagesItEvaluated()
    {
        const string jobId = "partial-results";
        var spec = cluster.Data.Spec(jobId);
        try
        {
            await cluster.StartMidJobAsync(jobId, spec, cluster.Cluster.Silos[0]);
            await cluster.Grains.GetGrain<IEvaluationJobGrain>(jobId).CancelAsync();
        }
        finally
        {
            cluster.OpenAllGates();
        }

        Assert.Equal(JobState.Cancelled, (await JobDriver.WaitAsync(cluster.Grains, jobId)).State);
        var report = await JobDriver.ReportAsync(cluster.Grains, jobId);
        var lines = await File.ReadAllLinesAsync(Path.Combine(spec.OutputFolder!, "results.csv"));
        var columns = lines[0].Split(',');
        var row = lines[1].Split(',');

        Assert.Equal("cancelled", row[Array.IndexOf(columns, "state")]);
        Assert.Equal(report.Images + report.Failed, long.Parse(row[Array.IndexOf(columns, "images_evaluated")], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(cluster.Data.Images, int.Parse(row[Array.IndexOf(columns, "images_total")], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(report.Images + report.Failed < cluster.Data.Images, "the cancelled job evaluated every image: it proves nothing");
        Assert.Contains($"partial: {report.Images + report.Failed} of {cluster.Data.Images} images", await File.ReadAllTextAsync(Path.Combine(spec.OutputFolder!, "report.html")));
    }

    [Fact]
    public async Task AHealthyJobLogsNoWarningAboutItself()
    {
        const string jobId = "healthy-run";

        await JobDriver.RunAsync(cluster.Grains, jobId, cluster.Data.Spec(jobId, shardSize: 2));
        // Renewals still on their way when shards end would warn after the job completed: let the silos settle first.
        await Task.Delay(TimeSpan.FromSeconds(3));

        var complaints = cluster.Logs.Lines.Where(l => (l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal))
            && l.Contains(jobId, StringComparison.Ordinal)).ToList();
        Assert.True(complaints.Count == 0, string.Join(Environment.NewLine, complaints));
    }

    [Fact]
    public async Task ThreeSiloReportEqualsSingleSiloAndEngineReportsCountForCount()
    {
        var onCluster = await JobDriver.RunAsync(cluster.Grains, "equal-three", cluster.Data.Spec("equal-three"));
        var onOneSilo = await JobDriver.RunAsync(single.Grains, "equal-one", single.Data.Spec("equal-one"));
        var (engine, _, _) = await LocalEvaluator.RunAsync(new EvaluationRequest(
            cluster.Data.ModelPath, new LocalFolderSource(cluster.Data.DataPath), new DatasetSpec(), new ClassifierSessionOptions(InferenceDevice.Cpu, 4), new PipelineOptions()));

        JobDriver.AssertSameCounts(onOneSilo, onCluster);
        JobDriver.AssertSameCounts(engine, onCluster);
        Assert.Equal(cluster.Data.Images, onCluster.Images + onCluster.Failed);
        Assert.Equal(2, onCluster.Failed);
        var status = await cluster.Grains.GetGrain<IEvaluationJobGrain>("equal-three").GetStatusAsync();
        // Which workers win the shards is a race (a silo whose session is already loaded may take them all); that
        // every device of every silo joined the job is the coordinator's doing, and is checked exactly.
        var expected = cluster.Cluster.Silos.SelectMany(s => new[] { "cpu:0", "cpu:1" }.Select(d => WorkerKey.Format(s.SiloAddress.ToParsableString(), d)));
        Assert.Equal(expected.Order(StringComparer.Ordinal), status.Workers.Select(w => w.Worker).Order(StringComparer.Ordinal));
        Assert.Equal(status.ShardsTotal, status.Workers.Sum(w => w.ShardsCompleted));
    }

    [Fact]
    public async Task PredictionPartsHoldOneRowPerScoredImage()
    {
        var spec = cluster.Data.Spec("parts");
        var report = await JobDriver.RunAsync(cluster.Grains, "parts", spec);

        var parts = Directory.GetFiles(Path.Combine(spec.OutputFolder!, "predictions"), "shard-*.csv");
        var rows = parts.SelectMany(p => File.ReadAllLines(p).Skip(1)).ToList();
        Assert.Equal(report.Images, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => r.Split(',')[0]).Distinct().Count());
        Assert.True(File.Exists(Path.Combine(spec.OutputFolder!, "report.json")));
        Assert.True(File.Exists(Path.Combine(spec.OutputFolder!, "results.csv")));
    }

    [Fact]
    public async Task PastTheFailureThresholdTheJobFailsSaysSoAndKeepsWhatItHad()
    {
        var job = cluster.Grains.GetGrain<IEvaluationJobGrain>("threshold-count");
        await job.StartAsync(cluster.Data.Spec("threshold-count", shardSize: 2) with { MaxFailed = FailureThreshold.Parse("1") });

        var status = await JobDriver.WaitAsync(cluster.Grains, "threshold-count");
        var report = await JobDriver.ReportAsync(cluster.Grains, "threshold-count");

        Assert.Equal(JobState.Failed, status.State);
        Assert.Contains("exceed the threshold of 1", status.Error);
        Assert.Equal("failed", report.State);
        Assert.Equal(2, report.Failed);
        Assert.Equal(report.Failures.Count, report.Failed);
    }

    [Fact]
    public async Task BelowTheFailureThresholdTheReportListsEveryFailure()
    {
        var report = await JobDriver.RunAsync(cluster.Grains, "threshold-share", cluster.Data.Spec("threshold-share") with { MaxFailed = FailureThreshold.Parse("5%") });

        Assert.Equal("completed", report.State);
        Assert.Equal(["class_00/truncated.jpg", "class_01/not-an-image.png"], report.Failures.Select(f => f.ImageId).Order());
    }

    [Theory]
    [InlineData("12", 12L, null)]
    [InlineData("2.5%", null, 2.5)]
    public void FailureThresholdsParseAsCountsOrShares(string text, long? count, double? percent) =>
        Assert.Equal(new FailureThreshold(count, percent), FailureThreshold.Parse(text));

    [Fact]
    public void AMalformedFailureThresholdSaysHowToWriteOne() =>
        Assert.Contains("a count (e.g. 100) or a percentage (e.g. 5%)", Assert.Throws<FormatException>(() => FailureThreshold.Parse("lots")).Message);

    [Fact]
    public async Task TwentyJobsAtOnceAllCompleteWithExactCounts()
    {
        var reference = await JobDriver.RunAsync(cluster.Grains, "load-reference", cluster.Data.Spec("load-reference"));

        var reports = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => JobDriver.RunAsync(cluster.Grains, $"load-{i}", cluster.Data.Spec($"load-{i}", shardSize: 8))));

        Assert.All(reports, r => JobDriver.AssertSameCounts(reference, r));
        var listed = await cluster.Grains.GetGrain<IJobRegistryGrain>(0).ListAsync();
        Assert.Superset(Enumerable.Range(0, 20).Select(i => $"load-{i}").ToHashSet(), listed.Select(j => j.JobId).ToHashSet());
    }
}
