using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using SENet.Contracts.Jobs;
using SENet.Grains.Jobs;

namespace SENet.Cluster.Tests;

/// <summary>A shard table that grows while the job plans: the scheduler leases shards as they are appended, and stored state loads rows the head alone holds.</summary>
public sealed class PlanningStateTests
{
    private const string A = "127.0.0.1:1@1|cpu:0";
    private const string B = "127.0.0.1:2@1|cpu:0";
    private static readonly DateTime T0 = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public void ShardsPlannedAfterTheStartAreLeasedInOrderWithoutTailDuplicatesWhilePlanning()
    {
        var table = new List<ShardRecord>();
        var scheduler = new ShardScheduler(table, TimeSpan.FromSeconds(30), tailDuplicates: true, _ => { }) { Planning = true };
        scheduler.Start([], T0);
        Assert.Null(scheduler.Lease(A, T0));

        for (var id = 0; id < 2; id++)
        {
            table.Add(new ShardRecord { Id = id, Images = 10 });
            scheduler.Planned(id);
        }

        Assert.Equal([0, 1], new[] { scheduler.Lease(A, T0)!.ShardId, scheduler.Lease(A, T0)!.ShardId });
        // An empty queue while planning is not the tail: no duplicate of a shard held long.
        Assert.Null(scheduler.Lease(B, T0.AddMinutes(1)));
        table.Add(new ShardRecord { Id = 2, Images = 10 });
        scheduler.Planned(2);
        Assert.Equal(2, scheduler.Lease(B, T0.AddMinutes(1))!.ShardId);
        Assert.Throws<InvalidOperationException>(() => scheduler.Planned(5));

        scheduler.Planning = false;
        Assert.True(scheduler.Lease(B, T0.AddMinutes(2))!.Duplicate);
    }

    [Fact]
    public async Task RowsAppendedWhilePlanningLoadFromTheHeadBeforeTheirPartitionIsWritten()
    {
        var storage = new SharedJobStorage();
        var grain = GrainId.Create("evaluationjob", "planning");
        var store = new JobStateStore(storage.For(Serializer), grain, partitionSize: 4, overlayLimit: 3);
        var job = new JobRecord { Spec = new JobSpec { ModelPath = "m.onnx", DataPath = "data" }, State = JobState.Planning };
        var shards = new List<ShardRecord>();
        await store.WriteNewAsync(job, shards);

        // Two commits of planned rows: the first stays in the head (fewer than the overlay limit), the second flushes.
        foreach (var count in new[] { 2, 5 })
        {
            while (shards.Count < count)
            {
                shards.Add(new ShardRecord { Id = shards.Count, Images = 10 + shards.Count });
                store.Changed(shards.Count - 1);
            }

            job.ShardCount = shards.Count;
            await store.WriteAsync(overlay => job.Snapshot(overlay, [], withWorkers: false), shards, [], job.Workers);
            var (head, loaded) = await new JobStateStore(storage.For(Serializer), grain).LoadAsync();
            Assert.Equal(JobState.Planning, head.State);
            Assert.Equal(shards.Select(s => (s.Id, s.Images)), loaded.Select(s => (s.Id, s.Images)));
        }
    }
}
