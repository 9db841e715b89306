using System.Diagnostics;
using SENet.Client.Cluster;
using SENet.Contracts.Jobs;
using SENet.Contracts.Workers;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Storage;

namespace SENet.Client.Benchmarks.Coordinator;

/// <summary>
/// Drives the real coordinator grain, in an in-process silo, with simulated devices: each pulls leases as a worker
/// does (several shards in flight, renewals while a shard runs, a short idle poll when none is left), holds each shard
/// for its simulated run time and completes it with counts of the shard's size. No image is read: the dataset is a
/// synthetic listing. What is measured is the coordinator alone.
/// </summary>
/// <param name="blobStorage">The account of blob job storage; by default the CLI's (<c>SENet__Storage__ConnectionString</c>).</param>
public sealed class CoordinatorBenchmark(CoordinatorBenchmarkOptions options, TextWriter progress, StorageOptions? blobStorage = null)
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan StatusPeriod = TimeSpan.FromMilliseconds(100);
    private const int EndWaitSeconds = 600;

    private readonly Stopwatch _clock = new();
    private readonly LatencyRecorder _lease = new();
    private readonly LatencyRecorder _complete = new();
    private readonly LatencyRecorder _renew = new();
    private long _merged;
    private long _leasesCompleted;
    private CompletionTimes _mergeTimes = new(0);
    private long _ignored;
    private long _mergedAtDrain = -1;
    private double _drainedAt = double.NaN;
    private double _firstLeaseAt = double.PositiveInfinity;
    private double _lastCompletionAt;
    private double _killedAt = double.NaN;
    private int _killStarted;
    private long _shardTableBytes;
    private string _dataPath = "";
    private BlobListingReady? _listing;

    private double Now => _clock.Elapsed.TotalSeconds;

    public async Task<CoordinatorRun> RunAsync(CancellationToken cancellationToken)
    {
        options.Validate();
        var storage = options.Storage == "blob" || options.RealListing ? blobStorage ?? CliStorage.FromEnvironment() : new StorageOptions();
        if (options.Storage == "blob" && string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            throw new ArgumentException("senet bench --coordinator --storage blob keeps job state in the account of SENet__Storage__ConnectionString (e.g. an Azurite started with --skipApiVersionCheck); it is not set.");
        }

        // Uploaded before the clock starts: setup, not planning.
        var listing = options.RealListing ? await BlobListing.EnsureAsync(storage, options.Images, options.Classes, progress, cancellationToken) : null;
        _dataPath = listing?.Location ?? SyntheticListingSource.Location(options.Images, options.Classes);
        _listing = listing;

        // Before any silo: the grain's per-shard structures for a job of this size, measured alone.
        _shardTableBytes = ShardTableMemory.MeasureBytes(options.Shards, options.Devices);
        var folder = Directory.CreateTempSubdirectory("senet-bench-coordinator-").FullName;
        try
        {
            var model = Path.Combine(folder, "model.onnx");
            await File.WriteAllBytesAsync(model, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: options.Classes, InputSize: 32)), cancellationToken);
            await using var silos = await BenchSilos.StartAsync(storage, options.Storage == "blob", options.KillSiloAt > 0, cancellationToken, options.CommitInterval);
            return await RunJobAsync(silos, model, Path.Combine(folder, "out"), cancellationToken);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<CoordinatorRun> RunJobAsync(BenchSilos silos, string model, string output, CancellationToken cancellationToken)
    {
        var jobId = $"bench-coordinator-{Guid.NewGuid():N}";
        var job = silos.Grains.GetGrain<IEvaluationJobGrain>(jobId);
        var spec = new JobSpec
        {
            Name = "senet bench --coordinator",
            ModelPath = model,
            DataPath = _dataPath,
            ShardSize = options.ShardSize,
            AutoShardSize = options.AutoShardSize,
            DevicePolicy = DevicePolicy.Cpu,
            OutputFolder = output,
            LeaseTimeout = options.LeaseTimeout ?? TimeSpan.FromSeconds(30),
        };
        _mergeTimes = new CompletionTimes(options.Shards);
        var devices = Devices(silos.CoordinatorSilo, silos.DoomedSilo);
        _doomedDevices = silos.DoomedSilo is { } doomed ? [.. devices.Where(d => WorkerKey.Parse(d.Worker).Silo == doomed)] : [];
        var results = ShardResults();

        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var bytesBefore = silos.BytesWritten;
        progress.WriteLine($"bench: submitting {options.Shards:N0} shards of {options.ShardSize} ({options.ListingDescription}), job state in {options.Storage} storage");
        _clock.Start();
        using var stopPolling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var whilePlanning = new LatencyRecorder();
        var start = job.StartAsync(spec);
        var started = await start;
        var submitSeconds = Now;
        if (!started.IsActive)
        {
            throw new InvalidOperationException($"The benchmark job did not start: {started.State} {started.Error}");
        }

        // Submit answers once the job is validated; the listing is planned in the background while the devices lease.
        var planningPoll = PlanningProbe.PollAsync(job, whilePlanning, () => Now, stopPolling.Token);

        if (options.AfterPlanning)
        {
            var planned = await planningPoll;
            progress.WriteLine($"bench: the listing was planned {planned:F1} s after submit; the devices start now");
        }

        var devicesStart = Now;
        var bytesWhilePlanning = silos.BytesWritten - bytesBefore;
        var (bytesAtRun, writesAtRun, kindsAtRun) = (silos.BytesWritten, silos.Writes, silos.WrittenByKind());
        progress.WriteLine($"bench: submit answered in {submitSeconds:F1} s (planning goes on in the background); {options.Devices} devices at {options.ImagesPerSecond:N0} images/s{(options.SlowDevices > 0 ? $" ({options.SlowDevices} at {options.SlowImagesPerSecond:N0})" : "")}, compression {options.Compression}, {options.ShardsInFlight} shards in flight each");

        var whileRunning = new LatencyRecorder();
        var finished = false;
        var runningPoll = PollStatusAsync(job, whileRunning, () => Volatile.Read(ref finished), stopPolling.Token);
        var hung = devices.Skip(devices.Count - options.HungDevices).ToHashSet();
        await Task.WhenAll(devices.SelectMany(device => Enumerable.Range(0, options.ShardsInFlight)
            .Select(_ => Task.Run(() => RunLaneAsync(job, device, hung.Contains(device), results, silos, cancellationToken), cancellationToken))));
        Volatile.Write(ref finished, true);
        await runningPoll;
        var plannedAt = await planningPoll;
        // The job is over once its end (report files, then its final state) is written: the status says running until then.
        // Waited for, so the silos are not stopped under it and the final state is the job's own.
        var status = await job.GetStatusAsync();
        for (var waited = 0; status.State == JobState.Running && waited < EndWaitSeconds * 10; waited++)
        {
            await Task.Delay(100, cancellationToken);
            status = await job.GetStatusAsync();
        }

        var endSeconds = Now - _lastCompletionAt;
        // Taken once the devices are done, with the job's activation alive and its whole shard table in memory: a full
        // collection mid-run would pause every device and status call it measures. Memory job storage lives in this
        // process too; what it holds (the latest write of each state) is the storage's, not the coordinator's.
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var heldByStorage = silos.HeldInProcessBytes;

        var drainedAt = double.IsNaN(_drainedAt) ? _lastCompletionAt : _drainedAt;
        // Once every working device had its first shard: the start's burst of first leases is behind.
        var allStarted = devices.Where(d => !hung.Contains(d)).Max(d => d.FirstStart);
        var mergedAtDrain = _mergedAtDrain >= 0 ? _mergedAtDrain : _merged;
        // The busy share says whether the coordinator fed the devices only while there were shards enough for all of
        // them: with fewer shards than lanes, the queue drains at once and every device idles for want of work.
        var fed = mergedAtDrain * 2 >= options.Shards;
        return new CoordinatorRun
        {
            Options = options,
            SubmitSeconds = submitSeconds,
            PlannedSeconds = plannedAt,
            FirstLeaseSeconds = _firstLeaseAt,
            CompletionsPerSecond = _mergeTimes.SteadyRate(),
            OverallCompletionsPerSecond = options.Shards / Math.Max(1e-9, _lastCompletionAt - devicesStart),
            FeedSeconds = drainedAt - devicesStart,
            RunSeconds = _lastCompletionAt - devicesStart,
            Lease = _lease,
            Complete = _complete,
            Renew = _renew,
            StatusWhilePlanning = whilePlanning,
            StatusWhileRunning = whileRunning,
            Merged = _merged,
            Ignored = _ignored,
            BytesWhilePlanning = bytesWhilePlanning,
            BytesWhileRunning = silos.BytesWritten - bytesAtRun,
            WritesWhileRunning = silos.Writes - writesAtRun,
            WrittenWhileRunning = silos.WrittenByKind().ToDictionary(k => k.Key, k => (k.Value.Bytes - kindsAtRun.GetValueOrDefault(k.Key).Bytes, k.Value.Writes - kindsAtRun.GetValueOrDefault(k.Key).Writes)),
            CoordinatorHeapBytes = Math.Max(0, heapAfter - baseline - heldByStorage),
            HeapBeforeBytes = baseline,
            StorageHeldBytes = heldByStorage,
            ShardTableBytes = _shardTableBytes,
            EndSeconds = endSeconds,
            BusyShare = fed ? SimulatedDevice.BusyShare(devices, devicesStart, drainedAt) : double.NaN,
            AllStartedSeconds = allStarted - devicesStart,
            SteadyBusyShare = fed && allStarted < drainedAt ? SimulatedDevice.BusyShare(devices, allStarted, drainedAt) : double.NaN,
            FinalState = status.State.ToString().ToLowerInvariant(),
            ImagesCounted = status.ImagesDone,
            LeasesReclaimed = status.LeasesReclaimed,
            ShardsRetried = status.ShardsRetried,
            DuplicateLeases = status.DuplicateLeases,
            KilledAtSeconds = _killedAt - submitSeconds,
            LeasesCompleted = _leasesCompleted,
            Listing = _listing,
        };
    }

    /// <summary>
    /// Devices grouped in nodes of <see cref="CoordinatorBenchmarkOptions.DevicesPerNode"/>: the first node on the silo
    /// that will die (when there is one), the others on the coordinators' silo, which lives throughout. Membership must
    /// know a worker's silo: the coordinator takes back the leases of a silo it does not know as if it were dead.
    /// </summary>
    private List<SimulatedDevice> Devices(string coordinatorSilo, string? doomedSilo) => [.. Enumerable.Range(0, options.Devices).Select(i =>
    {
        var silo = i < options.DevicesPerNode && doomedSilo is not null ? doomedSilo : coordinatorSilo;
        return new SimulatedDevice(WorkerKey.Format(silo, $"cuda:{i}"), options.SpeedOf(i), options.Compression);
    })];

    /// <summary>One result per shard size, shared by every completion: a quarter of the images wrong, spread over the classes.</summary>
    private ShardResult ShardResults()
    {
        var counts = new TopKCounts(options.Classes);
        Span<int> ranked = stackalloc int[TopKCounts.K];
        for (var i = 0; i < options.ShardSize; i++)
        {
            var label = i % options.Classes;
            for (var k = 0; k < ranked.Length; k++)
            {
                ranked[k] = (label + (i % 4 == 3 ? k + 1 : k)) % options.Classes;
            }

            counts.Add(label, ranked[..Math.Min(TopKCounts.K, options.Classes)]);
        }

        return new ShardResult(counts, [], "", "", DateTime.UtcNow, DateTime.UtcNow);
    }

    /// <summary>One shard in flight of one device: lease, run, renew, complete, until the job is over or the device is gone.</summary>
    private async Task RunLaneAsync(IEvaluationJobGrain job, SimulatedDevice device, bool hangs, ShardResult result, BenchSilos silos,
        CancellationToken cancellationToken)
    {
        var renewPeriod = options.RenewSeconds / options.Compression;
        // The lease that came with the last completion, as a worker's lane takes it (CompleteAndLeaseAsync).
        LeaseResponse? next = null;
        while (!cancellationToken.IsCancellationRequested && !device.IsRetired)
        {
            var response = next;
            next = null;
            if (response is null)
            {
                var asked = Now;
                response = await job.LeaseAsync(device.Worker);
                _lease.Add(Now - asked);
            }

            if (response.Lease is not { } lease)
            {
                if (response.JobOver)
                {
                    return;
                }

                MarkDrained();
                await Task.Delay(IdlePoll, cancellationToken);
                continue;
            }

            InterlockedMin(ref _firstLeaseAt, Now);
            if (lease.Duplicate)
            {
                MarkDrained();
            }

            if (hangs)
            {
                // A device that hangs with the lease: it never renews nor completes; the lease must run out.
                device.Retire(Now);
                return;
            }

            var startedUtc = DateTime.UtcNow;
            var handed = Now;
            var done = device.Run(handed, device.ShardSeconds(options.ShardSize * lease.ShardCount));
            var withdrawn = false;
            foreach (var offset in SimulatedDevice.RenewalOffsets(done - handed, renewPeriod))
            {
                await DelayUntilAsync(handed + offset, cancellationToken);
                if (device.IsRetired)
                {
                    break;
                }

                var renewing = Now;
                withdrawn = !await job.RenewAsync(lease, 0);
                _renew.Add(Now - renewing);
                if (withdrawn)
                {
                    break;
                }
            }

            if (!withdrawn && !device.IsRetired)
            {
                await DelayUntilAsync(done, cancellationToken);
            }

            if (device.IsRetired || withdrawn)
            {
                continue;
            }

            var completing = Now;
            var finishedResult = result with { Worker = device.Worker, Device = WorkerKey.Parse(device.Worker).Device, StartedUtc = startedUtc, FinishedUtc = DateTime.UtcNow };
            bool merged;
            if (lease.ShardCount > 1)
            {
                merged = await job.CompleteRunAsync(lease, [.. Enumerable.Repeat(finishedResult, lease.ShardCount)]);
            }
            else if (options.SeparateLease)
            {
                merged = await job.CompleteAsync(lease, finishedResult);
            }
            else
            {
                next = await job.CompleteAndLeaseAsync(lease, finishedResult, device.Worker);
                merged = next.Merged;
            }

            Interlocked.Increment(ref _leasesCompleted);
            var now = Now;
            _complete.Add(now - completing);
            InterlockedMax(ref _lastCompletionAt, now);
            if (!merged)
            {
                Interlocked.Increment(ref _ignored);
                continue;
            }

            // A run merged counts each of its shards (a shard of it merged elsewhere first is rare: tail duplicates).
            var count = Interlocked.Add(ref _merged, lease.ShardCount);
            for (var i = 0; i < lease.ShardCount; i++)
            {
                _mergeTimes.Add(now);
            }

            if (options.KillSiloAt > 0 && count >= options.KillSiloAt * options.Shards && Interlocked.Exchange(ref _killStarted, 1) == 0)
            {
                _ = KillAsync(silos);
            }
        }
    }

    private async Task DelayUntilAsync(double at, CancellationToken cancellationToken)
    {
        if (at - Now is var left and > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(left), cancellationToken);
        }
    }

    private async Task KillAsync(BenchSilos silos)
    {
        var doomed = silos.DoomedSilo!;
        _killedAt = Now;
        progress.WriteLine($"bench: stopping silo {doomed} and its {_doomedDevices.Count} devices");
        // Its devices stop with it: whatever they hold is never completed.
        foreach (var device in _doomedDevices)
        {
            device.Retire(_killedAt);
        }

        await silos.KillDoomedSiloAsync();
    }

    private List<SimulatedDevice> _doomedDevices = [];

    /// <summary>The first time a device finds no fresh shard: the feed is over, what follows is the tail.</summary>
    private void MarkDrained()
    {
        if (Interlocked.CompareExchange(ref _mergedAtDrain, Interlocked.Read(ref _merged), -1) == -1)
        {
            _drainedAt = Now;
        }
    }

    private async Task PollStatusAsync(IEvaluationJobGrain job, LatencyRecorder latencies, Func<bool> done, CancellationToken cancellationToken)
    {
        while (!done() && !cancellationToken.IsCancellationRequested)
        {
            var asked = Now;
            try
            {
                await job.GetStatusAsync();
            }
            catch (TimeoutException)
            {
                // Queued behind a call longer than the response timeout: recorded as what it waited.
            }

            latencies.Add(Now - asked);
            await Task.Delay(StatusPeriod, cancellationToken);
        }
    }

    private static void InterlockedMin(ref double target, double value)
    {
        for (var seen = Volatile.Read(ref target); value < seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen).Equals(seen))
            {
                return;
            }
        }
    }

    private static void InterlockedMax(ref double target, double value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen).Equals(seen))
            {
                return;
            }
        }
    }
}
