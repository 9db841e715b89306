namespace SENet.Client.Benchmarks.Coordinator;

/// <summary>What <c>senet bench --coordinator</c> simulates.</summary>
/// <param name="Shards">Shards of the job; the synthetic listing has shards × shard size entries.</param>
/// <param name="ShardSize">Images a shard (the job's default is 256).</param>
/// <param name="Devices">Simulated devices, each one worker.</param>
/// <param name="ImagesPerSecond">Each device's speed.</param>
/// <param name="Compression">Time compression: a shard occupies its device for images / images-per-second / compression wall seconds.</param>
/// <param name="ShardsInFlight">Shards each worker holds at once (2, as a GPU worker).</param>
/// <param name="Storage"><c>memory</c>, or <c>blob</c>: job state in the account of <c>SENet__Storage__ConnectionString</c> (Azurite for development).</param>
/// <param name="HungDevices">Devices that take one lease and then never renew nor complete it (failure injection).</param>
/// <param name="KillSiloAt">When this share of shards is merged, a second silo holding one node's devices stops and membership declares it dead; 0 never.</param>
/// <param name="DevicesPerNode">Devices of one simulated node (silo).</param>
/// <param name="LeaseTimeout">The job's lease timeout (wall time): how long a hung device's shard waits.</param>
/// <param name="RenewSeconds">A running shard's lease is renewed every this many simulated seconds.</param>
/// <param name="Classes">Classes of the synthetic dataset and the model.</param>
/// <param name="SlowDevices">Devices of the fleet that run at <paramref name="SlowImagesPerSecond"/> instead (CPUs among GPUs): they hold the tail.</param>
/// <param name="SlowImagesPerSecond">The slow devices' speed.</param>
/// <param name="AutoShardSize">The job runs as --shard-size auto with <paramref name="ShardSize"/> as its base: leases carry runs of shards sized to about 10 s of a device's measured work.</param>
/// <param name="CommitInterval">The longest the coordinator's group commit waits after a write; null: the silo's default.</param>
/// <param name="AfterPlanning">
/// The devices start once the whole listing is planned. Planning writes one manifest a shard, a few thousand a second
/// here, fewer than 1,000 fast devices finish: without this, the listing's pace starves them, not the coordinator.
/// </param>
/// <param name="SeparateLease">Each lane completes and then leases in two calls (two durable writes), as workers did before a completion carried the next lease request.</param>
/// <param name="Listing"><c>synthetic</c> (names only, any size), or <c>blob</c>: the same names as real blobs in the account of <c>SENet__Storage__ConnectionString</c>, uploaded once.</param>
public sealed record CoordinatorBenchmarkOptions(
    int Shards = 1_000,
    int ShardSize = 256,
    int Devices = 100,
    double ImagesPerSecond = 3_000,
    double Compression = 1,
    int ShardsInFlight = 2,
    string Storage = "memory",
    int HungDevices = 0,
    double KillSiloAt = 0,
    int DevicesPerNode = 8,
    TimeSpan? LeaseTimeout = null,
    double RenewSeconds = 5,
    int Classes = 100,
    int SlowDevices = 0,
    double SlowImagesPerSecond = 50,
    bool AutoShardSize = false,
    TimeSpan? CommitInterval = null,
    bool AfterPlanning = false,
    bool SeparateLease = false,
    string Listing = "synthetic")
{
    /// <summary>The most blobs <c>--listing blob</c> uploads: ~1,500 uploads/s to Azurite here make this over 20 minutes of setup.</summary>
    public const long MaxBlobListing = 2_000_000;

    public bool RealListing => Listing == "blob";

    /// <summary>What the job plans from, in words.</summary>
    public string ListingDescription => RealListing ? $"{Images:N0} real blobs" : $"{Images:N0} synthetic listing entries";

    public long Images => (long)Shards * ShardSize;

    /// <summary>Images/s of device <paramref name="index"/>: the last are hung, the slow ones just before them.</summary>
    public double SpeedOf(int index) => index >= Devices - HungDevices - SlowDevices && index < Devices - HungDevices ? SlowImagesPerSecond : ImagesPerSecond;

    /// <summary>Images/s of every device that works, at full use.</summary>
    public double FleetImagesPerSecond => Enumerable.Range(0, Devices - HungDevices).Sum(SpeedOf);

    /// <summary>Refuses values that cannot work, naming the option.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        void Require(bool ok, string problem)
        {
            if (!ok)
            {
                problems.Add(problem);
            }
        }

        Require(Shards >= 1, $"--shards {Shards} cannot work: use 1 or more.");
        Require(ShardSize >= 1, $"--shard-size {ShardSize} cannot work: use 1 or more.");
        Require(Images <= 10_000_000_000, $"--shards × --shard-size is {Images:N0} images: the simulated listing holds at most 10,000,000,000.");
        Require(Devices >= 1, $"--devices {Devices} cannot work: use 1 or more.");
        Require(ImagesPerSecond > 0 && double.IsFinite(ImagesPerSecond), $"--device-images-per-second {ImagesPerSecond} cannot work: use a positive number.");
        Require(Compression > 0 && double.IsFinite(Compression), $"--compression {Compression} cannot work: use a positive factor (10 runs the devices ten times faster than real time).");
        Require(ShardsInFlight >= 1, $"--shards-in-flight {ShardsInFlight} cannot work: use 1 or more.");
        Require(Storage is "memory" or "blob", $"--storage '{Storage}' is unknown: use memory or blob.");
        Require(HungDevices >= 0 && HungDevices < Devices, $"--hung-devices {HungDevices} cannot work: use 0 to {Devices - 1} (at least one device must work).");
        Require(KillSiloAt is >= 0 and < 1, $"--kill-silo-at {KillSiloAt} cannot work: use a share of merged shards from 0 (never) to below 1.");
        Require(DevicesPerNode >= 1, $"--devices-per-node {DevicesPerNode} cannot work: use 1 or more.");
        Require(KillSiloAt == 0 || DevicesPerNode < Devices, $"--kill-silo-at needs more devices ({Devices}) than one node holds ({DevicesPerNode}): the others finish the job.");
        Require(KillSiloAt == 0 || Storage == "blob", "--kill-silo-at needs --storage blob: memory job storage lives in storage grains that a silo's death can take with it (their directory entries too), and the job's record with them.");
        Require(RenewSeconds > 0 && double.IsFinite(RenewSeconds), $"--renew-seconds {RenewSeconds} cannot work: use a positive number.");
        Require(SlowDevices >= 0 && SlowDevices + HungDevices < Devices, $"--slow-devices {SlowDevices} cannot work: use 0 to {Devices - HungDevices - 1} (with --hung-devices, at least one device must run at full speed).");
        Require(SlowImagesPerSecond > 0 && double.IsFinite(SlowImagesPerSecond), $"--slow-images-per-second {SlowImagesPerSecond} cannot work: use a positive number.");
        Require(CommitInterval is null || (CommitInterval >= TimeSpan.Zero && CommitInterval <= TimeSpan.FromSeconds(10)), $"--commit-interval {CommitInterval?.TotalMilliseconds} cannot work: use 0 to 10,000 milliseconds.");
        Require(Listing is "synthetic" or "blob", $"--listing '{Listing}' is unknown: use synthetic or blob.");
        Require(!RealListing || Images <= MaxBlobListing, $"--listing blob with --shards × --shard-size = {Images:N0} blobs cannot work: the bench uploads them first, use at most {MaxBlobListing:N0}.");
        Require(Classes >= 1, $"--classes {Classes} cannot work: use 1 or more.");
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }
    }
}
