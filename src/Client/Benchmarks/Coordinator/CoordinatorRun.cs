namespace SENet.Client.Benchmarks.Coordinator;

/// <summary>What one coordinator benchmark run measured.</summary>
public sealed record CoordinatorRun
{
    public required CoordinatorBenchmarkOptions Options { get; init; }

    /// <summary>Wall seconds from submit until the coordinator answered it (validation only: the listing is planned in the background).</summary>
    public required double SubmitSeconds { get; init; }

    /// <summary>Wall seconds from submit until a status said planning was over (the whole listing in shard manifests); NaN if none did.</summary>
    public double PlannedSeconds { get; init; } = double.NaN;

    /// <summary>Wall seconds from submit to the first lease a device got.</summary>
    public required double FirstLeaseSeconds { get; init; }

    /// <summary>Completions merged per second between the 10th and 90th percentile of merges: the coordinator's steady pace.</summary>
    public required double CompletionsPerSecond { get; init; }

    /// <summary>Shards / wall seconds from the submit's answer to the last completion, tail included.</summary>
    public required double OverallCompletionsPerSecond { get; init; }

    public required double FeedSeconds { get; init; }

    public required double RunSeconds { get; init; }

    public required LatencyRecorder Lease { get; init; }

    public required LatencyRecorder Complete { get; init; }

    public required LatencyRecorder Renew { get; init; }

    public required LatencyRecorder StatusWhilePlanning { get; init; }

    public required LatencyRecorder StatusWhileRunning { get; init; }

    public required long Merged { get; init; }

    public required long Ignored { get; init; }

    public required long BytesWhilePlanning { get; init; }

    public required long BytesWhileRunning { get; init; }

    public required long WritesWhileRunning { get; init; }

    /// <summary>What the writes counted in <see cref="WritesWhileRunning"/> were: bytes and writes by kind of stored state.</summary>
    public IReadOnlyDictionary<string, (long Bytes, long Writes)> WrittenWhileRunning { get; init; } = new Dictionary<string, (long Bytes, long Writes)>();

    /// <summary>
    /// Growth of this process's managed heap (after full collections) from before submit to the job's end with its
    /// activation alive, less what memory job storage holds in this process.
    /// </summary>
    public required long CoordinatorHeapBytes { get; init; }

    /// <summary>Wall seconds from the last completion until the job's end (report files, final state) was written.</summary>
    public double EndSeconds { get; init; }

    /// <summary>The coordinator's shard table and scheduler for a job of this size at their largest, measured alone (<see cref="ShardTableMemory"/>).</summary>
    public long ShardTableBytes { get; init; }

    /// <summary>Bytes memory job storage held in this process at the end (the latest write of each state); 0 for blob storage.</summary>
    public long StorageHeldBytes { get; init; }

    public required long HeapBeforeBytes { get; init; }

    public required double BusyShare { get; init; }

    /// <summary>Wall seconds from the devices' start until every working device had been handed its first shard (the burst of first leases).</summary>
    public double AllStartedSeconds { get; init; } = double.NaN;

    /// <summary>The busy share from <see cref="AllStartedSeconds"/> on: the coordinator's steady feed, without the one-off start.</summary>
    public double SteadyBusyShare { get; init; } = double.NaN;

    public required string FinalState { get; init; }

    /// <summary>Images the job's final status counts: shards × shard size when every shard was merged exactly once.</summary>
    public required long ImagesCounted { get; init; }

    public required int LeasesReclaimed { get; init; }

    public required int ShardsRetried { get; init; }

    public required int DuplicateLeases { get; init; }

    public required double KilledAtSeconds { get; init; }

    /// <summary>Completion calls: one a shard, or one a run of shards (--auto-shard-size).</summary>
    public long LeasesCompleted { get; init; }

    /// <summary>The real blob listing planned (<c>--listing blob</c>), with its upload; null for a synthetic listing.</summary>
    public BlobListingReady? Listing { get; init; }

    /// <summary>Listing entries planned per second, from submit until status said planning was over; NaN when never seen to end.</summary>
    public double ListedPerSecond => double.IsNaN(PlannedSeconds) ? double.NaN : Options.Images / Math.Max(1e-9, PlannedSeconds);

    public double BytesPerCompletion => Merged > 0 ? (double)BytesWhileRunning / Merged : double.NaN;

    /// <summary>Completions/s the devices would ask for if never kept waiting.</summary>
    public double OfferedCompletionsPerSecond => Options.FleetImagesPerSecond * Options.Compression / Options.ShardSize;

    /// <summary>Wall seconds from the queue's first drain to the last completion: the time the slowest holders kept the job open.</summary>
    public double TailSeconds => RunSeconds - FeedSeconds;

    /// <summary>
    /// The busy share, or where the run had too few shards to measure it (the queue drained before half were merged),
    /// the share of the devices' demand the coordinator met.
    /// </summary>
    public double FedShare => double.IsNaN(BusyShare) ? Math.Min(1, CompletionsPerSecond / OfferedCompletionsPerSecond) : BusyShare;

    public CoordinatorCapacity Capacity => CoordinatorCapacity.Estimate(CompletionsPerSecond, FedShare, DefaultShardSize, Options.ImagesPerSecond,
        RoundTripP99, Options.ShardsInFlight);

    /// <summary>A lane's round trip between two shards at p99: its completion call, which also brings the next lease, or both calls where they are separate.</summary>
    public double RoundTripP99 => Options.SeparateLease || Options.AutoShardSize ? Lease.Percentile(99) + Complete.Percentile(99) : Complete.Percentile(99);

    /// <summary>A job's shard size unless it says otherwise.</summary>
    public static int DefaultShardSize { get; } = new Contracts.Jobs.JobSpec { ModelPath = "", DataPath = "" }.ShardSize;
}
