using System.Text.Json;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;

namespace SENet.Cluster.Tests;

public sealed class StatisticsTests(ClusterFixture cluster, SingleSiloFixture single) : IClassFixture<ClusterFixture>, IClassFixture<SingleSiloFixture>
{
    [Fact]
    public async Task OneShardAndSevenShardsOnThreeSilosGiveIdenticalIntervalsAndCalibration()
    {
        // 62 images: one shard on one silo, against shards of 9 (7 shards) spread over three silos and six devices.
        var one = await JobDriver.RunAsync(single.Grains, "stats-one", single.Data.Spec("stats-one", shardSize: 62));
        var seven = await JobDriver.RunAsync(cluster.Grains, "stats-seven", cluster.Data.Spec("stats-seven", shardSize: 9));
        var (engine, _, _) = await LocalEvaluator.RunAsync(new EvaluationRequest(
            cluster.Data.ModelPath, new LocalFolderSource(cluster.Data.DataPath), new DatasetSpec(), new ClassifierSessionOptions(InferenceDevice.Cpu, 4), new PipelineOptions()));

        Assert.Equal(7, (await cluster.Grains.GetGrain<IEvaluationJobGrain>("stats-seven").GetStatusAsync()).ShardsTotal);
        Assert.NotNull(one.Intervals);
        Assert.Equal(one.Intervals, seven.Intervals);
        Assert.Equal(one.PerClass, seven.PerClass);
        Assert.Equal(Json(one.Calibration), Json(seven.Calibration));
        Assert.Equal(Json(engine.Calibration), Json(seven.Calibration));
        Assert.Equal(one.Images, seven.Calibration!.Images);
        Assert.Equal(("logits", "graph"), (seven.Calibration.Outputs, seven.Calibration.OutputsSource));
    }

    [Fact]
    public async Task PartsAreSortedByImageNameTheClassesAndJoinIntoOnePredictionsCsvOnRequest()
    {
        var spec = cluster.Data.Spec("stats-joined", shardSize: 9) with { JoinPredictions = true };
        var report = await JobDriver.RunAsync(cluster.Grains, "stats-joined", spec);

        var parts = Directory.GetFiles(Path.Combine(spec.OutputFolder!, "predictions"), "shard-*.csv").Order(StringComparer.Ordinal).ToList();
        var joined = File.ReadAllLines(Path.Combine(spec.OutputFolder!, "predictions.csv"));
        Assert.Equal(PredictionsCsvWriter.Header, joined[0]);
        var images = joined.Skip(1).Select(PredictionsJoiner.FirstField).ToList();
        Assert.Equal(report.Images, images.Count);
        Assert.Equal(images.Order(StringComparer.Ordinal), images);
        foreach (var part in parts)
        {
            var rows = File.ReadAllLines(part).Skip(1).Select(PredictionsJoiner.FirstField).ToList();
            Assert.Equal(rows.Order(StringComparer.Ordinal), rows);
        }

        // The label's name is its class folder; each top-k name is the name of the index beside it.
        var header = PredictionsCsvWriter.Header.Split(',');
        foreach (var row in joined.Skip(1).Select(r => r.Split(',')))
        {
            var cell = header.Zip(row).ToDictionary(p => p.First, p => p.Second);
            Assert.Equal(cell["image"][..cell["image"].IndexOf('/')], cell["label_name"]);
            Assert.Equal($"class_{int.Parse(cell["top1"]):D2}", cell["top1_name"]);
        }
    }

    [Fact]
    public async Task DeclaredProbabilitiesAreReportedAsDeclaredAndSayTheRowsAreNotDistributions()
    {
        var report = await JobDriver.RunAsync(single.Grains, "stats-declared", single.Data.Spec("stats-declared", shardSize: 62) with { Outputs = OutputKind.Probabilities });

        Assert.Equal(("probabilities", "declared"), (report.Calibration!.Outputs, report.Calibration.OutputsSource));
        Assert.Contains("--outputs logits", report.Calibration.Note);
    }

    private static string Json(CalibrationSummary? summary) => JsonSerializer.Serialize(summary, ReportWriter.JsonOptions);
}
