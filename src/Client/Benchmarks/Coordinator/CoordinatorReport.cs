using System.Globalization;
using Spectre.Console;

namespace SENet.Client.Benchmarks.Coordinator;

/// <summary>The coordinator benchmark's table, and the same rows and headline figures for <c>--json</c>.</summary>
public static class CoordinatorReport
{
    public static BenchmarkRecord Write(CliConsole console, CoordinatorRun run)
    {
        var o = run.Options;
        var record = new BenchmarkRecord();
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]senet bench --coordinator[/] ({Environment.ProcessorCount} cores, job state in {o.Storage} storage)").AddColumns("measure", "figure", "detail");
        void Row(string measure, string figure, string detail)
        {
            table.AddRow(Markup.Escape(measure), Markup.Escape(figure), Markup.Escape(detail));
            record.AddRow(measure, figure, detail);
        }

        static string Ms(double seconds) => double.IsNaN(seconds) ? "none" : (seconds * 1000).ToString("F1", CultureInfo.InvariantCulture) + " ms";
        var capacity = run.Capacity;
        var offered = run.OfferedCompletionsPerSecond;
        Row("job", $"{o.Shards:N0} shards of {o.ShardSize}", $"{o.ListingDescription}, {o.Classes} classes; {o.Devices} devices at {o.ImagesPerSecond:N0} images/s{(o.SlowDevices > 0 ? $" ({o.SlowDevices} of them at {o.SlowImagesPerSecond:N0})" : "")}, compression {o.Compression}, {o.ShardsInFlight} in flight; ended {run.FinalState} with {run.ImagesCounted:N0} images counted");
        if (o.AutoShardSize)
        {
            Row("leases (auto)", $"{run.LeasesCompleted:N0} completions", $"runs of {(double)run.Merged / Math.Max(1, run.LeasesCompleted):F1} shards of {o.ShardSize} on average, sized to about 10 s of a device's measured work and shrinking at the tail; completions/s below counts shards");
        }

        Row("submit answered", $"{run.SubmitSeconds:F2} s", $"first lease {run.FirstLeaseSeconds:F2} s after submit; planned in the background, the whole listing in {(double.IsNaN(run.PlannedSeconds) ? "(never seen to end)" : $"{run.PlannedSeconds:F2} s")}; the job's end (report files, final state) written {run.EndSeconds:F2} s after its last completion");
        Row("listing planned", double.IsNaN(run.ListedPerSecond) ? "not seen to end" : $"{run.ListedPerSecond:N0} entries/s",
            $"{o.ListingDescription} listed and planned into {o.Shards:N0} shard manifests in the background" + (run.Listing is { } blobs
                ? $"; blob container {blobs.Container}, {(blobs.Uploaded > 0 ? $"uploaded by this run in {blobs.UploadSeconds:F1} s ({blobs.Uploaded / Math.Max(1e-9, blobs.UploadSeconds):N0} blobs/s, setup, before submit)" : "uploaded by an earlier run")}"
                : ""));
        Row("completions/s", $"{run.CompletionsPerSecond:N0}", $"from the 10th to the 90th percentile of merges; devices asked for {offered:N0}/s; {run.OverallCompletionsPerSecond:N0}/s over the whole run ({run.RunSeconds:F2} s, tail included)");
        Row("tail", $"{run.TailSeconds:F2} s", $"from the first lease request that found no fresh shard to the last completion; a shard of {o.ShardSize} takes {o.ShardSize / o.ImagesPerSecond / o.Compression:F3} s on a device" +
            (o.SlowDevices > 0 ? $", {o.ShardSize / o.SlowImagesPerSecond / o.Compression:F3} s on a slow one" : ""));
        Row("lease latency", $"p50 {Ms(run.Lease.Percentile(50))}, p99 {Ms(run.Lease.Percentile(99))}", $"{run.Lease.Count:N0} calls");
        Row("complete latency", $"p50 {Ms(run.Complete.Percentile(50))}, p99 {Ms(run.Complete.Percentile(99))}", $"{run.Complete.Count:N0} calls ({run.Merged:N0} merged, {run.Ignored:N0} ignored){(o.SeparateLease || o.AutoShardSize ? "" : ", each also asking for the next lease (the lease row counts only the lanes' first leases and their asks after none was left)")}; renew p99 {Ms(run.Renew.Percentile(99))} over {run.Renew.Count:N0} calls");
        Row("status p99 while planning", Ms(run.StatusWhilePlanning.Percentile(99)), $"{run.StatusWhilePlanning.Count} calls, one every 100 ms while the job said planning");
        Row("status p99 while running", Ms(run.StatusWhileRunning.Percentile(99)), $"{run.StatusWhileRunning.Count} calls, one every 100 ms");
        Row("job storage written per completion", $"{run.BytesPerCompletion:N0} bytes", $"{(double)run.WritesWhileRunning / Math.Max(1, run.Merged):F2} writes per completion; {run.BytesWhilePlanning:N0} bytes while planning");
        Row("job storage writes", $"{run.WritesWhileRunning:N0} writes", string.Join("; ", run.WrittenWhileRunning.OrderBy(k => k.Key, StringComparer.Ordinal)
            .Select(k => $"{k.Value.Writes:N0} {k.Key} of {(double)k.Value.Bytes / Math.Max(1, k.Value.Writes):N0} bytes")) + " (from the devices' start to the job's end)");
        Row("coordinator memory", $"{run.ShardTableBytes / 1048576.0:F1} MB", $"the grain's shard table and scheduler for {o.Shards:N0} shards at their largest, measured alone ({run.ShardTableBytes / (double)o.Shards:F0} bytes a shard); this process's managed heap grew {run.CoordinatorHeapBytes / 1048576.0:F1} MB from before submit ({run.HeapBeforeBytes / 1048576.0:F1} MB) to the job's end with its activation alive, after full collections{(run.StorageHeldBytes > 0 ? $", less {run.StorageHeldBytes / 1048576.0:F1} MB that memory job storage holds" : "")} (the silo's caches and the simulator's records too)");
        Row("device time busy", double.IsNaN(run.BusyShare) ? "not measured" : $"{run.BusyShare * 100:F1} %", double.IsNaN(run.BusyShare)
            ? $"the queue drained after {run.FeedSeconds:F2} s, before half the shards were merged: run at least {10 * o.Devices * o.ShardsInFlight:N0} shards (10 × devices × in flight)"
            : $"while fresh shards lasted ({run.FeedSeconds:F2} s); target ≥ {CoordinatorCapacity.BusyTarget * 100:F0} %; " +
              (double.IsNaN(run.SteadyBusyShare) ? "" : $"{run.SteadyBusyShare * 100:F1} % once every device had its first shard ({run.AllStartedSeconds * 1000:F0} ms after the start: the burst of first leases)"));
        Row("faults", $"{run.LeasesReclaimed} leases reclaimed", $"{o.HungDevices} hung devices; silo stopped at {(o.KillSiloAt > 0 ? $"{run.KilledAtSeconds:F2} s" : "never")}; {run.ShardsRetried} shards retried, {run.DuplicateLeases} tail duplicates");

        var bound = capacity.Saturated ? "≈" : "≥";
        Row("largest cluster fed", $"{bound} {capacity.ClusterImagesPerSecond:N0} images/s",
            $"at shard size {CoordinatorRun.DefaultShardSize}: {bound} {capacity.Devices:N0} devices at {o.ImagesPerSecond:N0} images/s " +
            (capacity.Saturated ? "(the devices waited: this run found the coordinator's ceiling)" : "(the devices were kept busy: the ceiling is higher)") +
            $"; at this run's latencies, one device up to {capacity.DeviceImagesPerSecond:N0} images/s before its round trip between shards at p99 ({Ms(run.RoundTripP99)}) outlasts its other shards in flight");
        console.Out.Write(table);

        record.Set("shards", o.Shards);
        record.Set("shard_size", o.ShardSize);
        record.Set("auto_shard_size", o.AutoShardSize ? 1 : 0);
        record.Set("separate_lease", o.SeparateLease ? 1 : 0);
        record.Set("after_planning", o.AfterPlanning ? 1 : 0);
        record.Set("leases_completed", run.LeasesCompleted);
        record.Set("devices", o.Devices);
        record.Set("device_images_per_second", o.ImagesPerSecond);
        record.Set("compression", o.Compression);
        record.Set("storage", o.Storage);
        record.Set("listing", o.Listing);
        record.Set("listed_per_second", run.ListedPerSecond);
        record.Set("uploaded_blobs", run.Listing?.Uploaded ?? 0);
        record.Set("state", run.FinalState);
        record.Set("submit_seconds", run.SubmitSeconds);
        record.Set("first_lease_seconds", run.FirstLeaseSeconds);
        record.Set("planned_seconds", run.PlannedSeconds);
        record.Set("completions_per_second", run.CompletionsPerSecond);
        record.Set("overall_completions_per_second", run.OverallCompletionsPerSecond);
        record.Set("merged", run.Merged);
        record.Set("images_counted", run.ImagesCounted);
        record.Set("ignored", run.Ignored);
        record.Set("lease_p50_ms", run.Lease.Percentile(50) * 1000);
        record.Set("lease_p99_ms", run.Lease.Percentile(99) * 1000);
        record.Set("complete_p50_ms", run.Complete.Percentile(50) * 1000);
        record.Set("complete_p99_ms", run.Complete.Percentile(99) * 1000);
        record.Set("status_planning_p99_ms", run.StatusWhilePlanning.Percentile(99) * 1000);
        record.Set("status_running_p99_ms", run.StatusWhileRunning.Percentile(99) * 1000);
        record.Set("bytes_per_completion", run.BytesPerCompletion);
        record.Set("writes_per_completion", (double)run.WritesWhileRunning / Math.Max(1, run.Merged));
        record.Set("coordinator_heap_mb", run.CoordinatorHeapBytes / 1048576.0);
        record.Set("storage_held_mb", run.StorageHeldBytes / 1048576.0);
        record.Set("shard_table_mb", run.ShardTableBytes / 1048576.0);
        record.Set("end_seconds", run.EndSeconds);
        record.Set("busy_share", run.BusyShare);
        record.Set("steady_busy_share", run.SteadyBusyShare);
        record.Set("all_started_seconds", run.AllStartedSeconds);
        record.Set("tail_seconds", run.TailSeconds);
        record.Set("slow_devices", o.SlowDevices);
        record.Set("offered_completions_per_second", offered);
        record.Set("leases_reclaimed", run.LeasesReclaimed);
        record.Set("capacity_images_per_second", capacity.ClusterImagesPerSecond);
        record.Set("capacity_devices", capacity.Devices);
        record.Set("capacity_saturated", capacity.Saturated ? "yes" : "no");
        return record;
    }
}
