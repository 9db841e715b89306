using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Grains.Devices;
using SENet.Grains.Hosting;
using SENet.Grains.Jobs;
using SENet.Tests.Storage;

namespace SENet.Cluster.Tests;

/// <summary>
/// A full job record (confusions keyed by class pairs, failures, workers, shard rows with their timings, leases) written and read back
/// through each job-storage provider exactly as a silo configures it: a coordinator that reactivates must load its job.
/// </summary>
public sealed class JobStorageRoundTripTests
{
    [Fact]
    public async Task TheEmbeddedDefaultsMemoryStorageRoundTripsAFullJobRecord()
    {
        await RoundTripAsync(silo => silo.AddSenetGrains(new DeviceOptions { CpuDevices = 0 }, useMemoryStorage: true));
    }

    [Fact]
    public async Task BlobStorageRoundTripsAFullJobRecord()
    {
        await using var azurite = await Azurite.StartAsync();
        await RoundTripAsync(silo => silo.AddSenetGrains(new DeviceOptions { CpuDevices = 0 }, useMemoryStorage: false).AddSenetBlobJobStorage(azurite.ConnectionString));
    }

    private static async Task RoundTripAsync(Action<ISiloBuilder> configure)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => configure(silo));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var services = cluster.Silos[0].ServiceProvider;
        var storage = services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Jobs);
        var serializer = services.GetRequiredService<Serializer>();
        var written = FullRecord();
        var id = GrainId.Create("evaluationjob", $"round-trip-{Guid.NewGuid():N}");

        await storage.WriteStateAsync("job", id, new GrainState<JobRecord>(written));
        var read = new GrainState<JobRecord>(new JobRecord());
        await storage.ReadStateAsync("job", id, read);

        Assert.True(read.RecordExists);
        var state = read.State;
        Assert.NotNull(state?.Counts);
        Assert.Equal(written.Counts!.Confusions.OrderBy(c => c.Key), state.Counts.Confusions.OrderBy(c => c.Key));
        Assert.True(written.Counts.CountsEqual(state.Counts));
        Assert.Equal((2L, 1L), (state.Counts.Calibration.Images, state.Counts.Calibration.Excluded));
        Assert.Equal(written.Failures, state.Failures);
        Assert.Equal(written.Overlay.Select(s => s.Timing), state.Overlay.Select(s => s.Timing));
        Assert.Equal(written.Leases, state.Leases);
        Assert.NotNull(state.Spec);
        Assert.True(written.Spec!.SameWorkAs(state.Spec) && written.Spec!.OutputFolder == state.Spec.OutputFolder, "the spec came back changed");
        // A job of several models and views: each evaluation's counts and model, in order.
        Assert.Equal(written.Evaluations.Select(e => (e.ModelName, e.ModelParameters, e.ModelMultiplyAccumulates, e.CropSize, e.ModelNote, e.ModelSha256, e.Outputs, e.OutputsSource, e.BatchSize)),
            state.Evaluations.Select(e => (e.ModelName, e.ModelParameters, e.ModelMultiplyAccumulates, e.CropSize, e.ModelNote, e.ModelSha256, e.Outputs, e.OutputsSource, e.BatchSize)));
        Assert.All(written.Evaluations.Zip(state.Evaluations), pair => Assert.True(pair.First.Counts.CountsEqual(pair.Second.Counts)));
        // Everything else, field for field: the record's own serialization must come back byte for byte.
        Assert.Equal(serializer.SerializeToArray(written), serializer.SerializeToArray(state));
    }

    private static JobRecord FullRecord()
    {
        var counts = new TopKCounts(4);
        counts.Add(0, [1, 2, 3, 0]);
        counts.Add(2, [3, 2, 1, 0]);
        counts.Add(2, [3, 0, 1, 2]);
        counts.Add(1, [1, 0, 2, 3]);
        // Calibration sums too: decimals, bins and the rows left out.
        counts.Add(3, [0.1f, 2f, -1f, 0.5f], OutputKind.Logits);
        counts.Add(1, [0.25f, 0.7f, 0.05f, 0f], OutputKind.Probabilities);
        counts.Add(0, [float.NaN, 1f, 0f, 0f], OutputKind.Logits);
        counts.AddFailures(2);
        return new JobRecord
        {
            Spec = new JobSpec { ModelPath = "/models/m.onnx", DataPath = "/data/val", OutputFolder = "/out/job", Name = "round trip", MaxFailed = FailureThreshold.Parse("5%"),
                Outputs = OutputKind.Probabilities, ConfidenceLevel = 0.9, JoinPredictions = true,
                // Every typed setting away from its default, so that each must come back as it went.
                LabelFormat = LabelFormat.Csv, OnMissing = MissingPolicy.SkipAndReport, Interpolation = Interpolation.Bicubic, Normalization = Normalization.Caffe,
                DevicePolicy = DevicePolicy.Cpu, View = ViewSpec.Parse("224@0.9/tencrop"), ClassSubsetMode = ClassSubsetMode.Argmax,
                // Arrays, as a spec read back holds them: a collection expression's list type would serialize under another name.
                Models = new JobModel[] { new("m", "/models/m.onnx"), new("other", "/models/other.onnx") }, Views = new ViewSpec[] { ViewSpec.Parse("224@0.9/tencrop"), ViewSpec.Center } },
            Evaluations =
            [
                .. Enumerable.Range(0, 4).Select(i =>
                {
                    var share = new TopKCounts(4);
                    share.Add(i % 4, [i % 4, 1, 2, 3]);
                    share.AddFailures(i);
                    return new EvaluationRecord
                    {
                        Counts = share, ModelName = i < 2 ? "m" : "other", ModelParameters = 1000 + i, ModelMultiplyAccumulates = i == 3 ? null : 5000 + i, CropSize = 224,
                        ModelNote = i == 1 ? "batch fixed at 8" : null, ModelSha256 = $"sha-{i / 2}", Outputs = "probabilities", OutputsSource = "declared", BatchSize = 8,
                    };
                }),
            ],
            State = JobState.Running,
            ShardCount = 2,
            ShardsPerPartition = 1024,
            Overlay =
            [
                new ShardRecord { Id = 0, Images = 3, Merged = true, Attempts = 2, MergedLease = Guid.NewGuid(), Failures = 1, Timing = new ShardTiming("cpu:0", "S127.0.0.1:1@1|cpu:0", 0.5, 1.5, 3) },
                new ShardRecord { Id = 1, Images = 3, HolderDeaths = 2, LastDeadLease = Guid.NewGuid(), Probes = [new ProbeRange { Range = new ImageRange(0, 1), Outcome = ProbeOutcome.Poison }] },
            ],
            Leases = [new LeaseHolder(Guid.NewGuid(), 1, "S127.0.0.1:1@1|cpu:0", Duplicate: false, new ImageRange(1, 2))],
            Counts = counts,
            Failures = [new ImageFailure("class_00/truncated.jpg", "decode", "truncated JPEG"), new ImageFailure("a,b \"c\".png", "read", "no such file")],
            ClassNames = ["a", "b", "c", "d"],
            TotalImages = 6,
            StartedUtc = new DateTime(2026, 11, 30, 10, 0, 0, DateTimeKind.Utc),
            Workers = new Dictionary<string, WorkerTally> { ["S127.0.0.1:1@1|cpu:0"] = new() { Device = "cpu:0", Images = 3, Shards = 1, LastError = "x", Stopped = true } },
            ShardsRetried = 1,
            DuplicateLeases = 1,
            IgnoredCompletions = 1,
            ModelName = "seresnet18",
            ModelParameters = 11_000_000,
            ModelMultiplyAccumulates = 1_800_000_000,
            CropSize = 224,
            ExecutionProvider = "cpu",
            LeasesReclaimed = 1,
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            Outputs = "probabilities",
            OutputsSource = "declared",
        };
    }
}
