using SENet.Evaluation.Metrics;
using SENet.Grains.Jobs;

namespace SENet.Client.Benchmarks.Coordinator;

/// <summary>
/// What a coordinator holds per shard, measured alone: the shard table and the scheduler the grain keeps for a job of
/// a given size, built as the grain builds them and filled as a finished job leaves them (every row merged, with its
/// lease and timing), over a scheduler whose queue still holds every shard (its largest). The bytes this thread
/// allocates to build them are that memory (little of it is garbage: the table's capacity is set up front), counted
/// free of whatever the silo, the storage, the simulator or a test running beside it allocate or collect meanwhile,
/// which a heap's growth across the build is not.
/// </summary>
public static class ShardTableMemory
{
    public static long MeasureBytes(int shards, int devices)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var table = Build(shards, devices, out var scheduler);
        var after = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(table);
        GC.KeepAlive(scheduler);
        return after - before;
    }

    /// <summary>The table and scheduler of <paramref name="shards"/> shards, every row merged by one of <paramref name="devices"/> workers.</summary>
    public static List<ShardRecord> Build(int shards, int devices, out ShardScheduler scheduler)
    {
        var table = new List<ShardRecord>(shards);
        for (var id = 0; id < shards; id++)
        {
            table.Add(new ShardRecord { Id = id, Images = 256 });
        }

        scheduler = new ShardScheduler(table, TimeSpan.FromSeconds(30), tailDuplicates: true, _ => { });
        scheduler.Start([], DateTime.UtcNow);
        // One string per worker and device, as the grain interns them.
        var workers = Enumerable.Range(0, Math.Max(1, devices)).Select(d => ($"127.0.0.1:11111@1|cuda:{d}", $"cuda:{d}")).ToArray();
        foreach (var row in table)
        {
            var (worker, device) = workers[row.Id % workers.Length];
            row.Attempts = 1;
            row.Merged = true;
            row.MergedLease = Guid.NewGuid();
            row.Timing = new ShardTiming(device, worker, row.Id * 0.001, row.Id * 0.001 + 0.085, row.Images);
        }

        return table;
    }
}
