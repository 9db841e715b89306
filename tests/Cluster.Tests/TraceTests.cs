using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using SENet.Evaluation.Telemetry;

namespace SENet.Cluster.Tests;

public sealed class TraceTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task OneTraceHoldsTheJobItsShardsOnEverySiloAndTheirBatches()
    {
        await cluster.WarmUpAsync();
        var spans = new List<Activity>();
        using (Sdk.CreateTracerProviderBuilder().AddSource(EvaluationTelemetry.Name).AddInMemoryExporter(spans).Build())
        {
            // No tail duplicates: a duplicate still running when the job ends would leave batch spans whose shard span never ends.
            await JobDriver.RunAsync(cluster.Grains, "traced", cluster.Data.Spec("traced", shardSize: 4) with { TailDuplicates = false });
        }

        var mine = spans.Where(s => Equals(s.GetTagItem(TelemetryTags.Job), "traced")).ToList();
        var job = Assert.Single(mine, s => s.OperationName == "senet.job");
        var shards = mine.Where(s => s.OperationName == "senet.shard").ToList();
        var batches = mine.Where(s => s.OperationName == "senet.batch").ToList();

        var status = await cluster.Grains.GetGrain<Contracts.Jobs.IEvaluationJobGrain>("traced").GetStatusAsync();
        Assert.True(shards.Count >= status.ShardsTotal);
        Assert.All(shards, s => Assert.Equal((job.TraceId, job.SpanId), (s.TraceId, s.ParentSpanId)));
        Assert.True(shards.Select(s => s.GetTagItem(TelemetryTags.Silo)).Distinct().Count() >= 2, "shards should run on several silos, in one trace");
        var shardIds = shards.Select(s => s.SpanId).ToHashSet();
        Assert.NotEmpty(batches);
        Assert.All(batches, b => Assert.Contains(b.ParentSpanId, shardIds));
        Assert.All(batches, b => Assert.Equal(["decoded and preprocessed", "inference started", "inference done"], b.Events.Select(e => e.Name)));
        Assert.Equal(status.ImagesScored, batches.Sum(b => (int)b.GetTagItem("senet.batch.images")!));
        Assert.Equal("completed", job.GetTagItem("senet.job.state"));
    }
}
