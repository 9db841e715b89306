using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;

namespace SENet.Cluster.Tests;

/// <summary>The report names each device with its silo: three silos each offering cpu:0 and cpu:1 are six devices, not two.</summary>
public sealed class ReportDevicesTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task TheReportNamesEveryDeviceThatScoredShardsWithItsSilo()
    {
        var report = await JobDriver.RunAsync(cluster.Grains, "devices-by-silo", cluster.Data.Spec("devices-by-silo", shardSize: 4));
        var status = await cluster.Grains.GetGrain<IEvaluationJobGrain>("devices-by-silo").GetStatusAsync();
        var scored = status.Workers.Where(w => w.ShardsCompleted > 0).ToList();
        var expected = scored.Select(w => ReportCharts.SiloAndDevice(w.Worker, w.Device)).Order(StringComparer.Ordinal).ToList();

        Assert.Equal("cluster: " + string.Join(", ", expected), report.ExecutionProvider);
        Assert.All(expected, name => Assert.Matches(@"^127\.0\.0\.1:\d+ cpu:[01]$", name));
        Assert.Equal(expected, report.Timeline.Select(ReportCharts.SeriesName).Distinct().Order(StringComparer.Ordinal));
    }
}
