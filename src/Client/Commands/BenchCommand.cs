using System.CommandLine;
using SENet.Client.Benchmarks;
using SENet.Client.Benchmarks.Coordinator;

namespace SENet.Client.Commands;

/// <summary><c>senet bench</c>: prints decode, preprocessing, inference and end-to-end figures for this machine.</summary>
public static class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        var images = EvaluationOptions.AtLeastOne(new Option<int>("--images") { Description = "Test JPEGs to generate.", DefaultValueFactory = _ => 64 });
        var seconds = EvaluationOptions.Checked(new Option<double>("--seconds") { Description = "Minimum timed seconds per measurement.", DefaultValueFactory = _ => 3 },
            v => double.IsFinite(v) && v > 0, "a number of seconds above 0");
        var architecture = ModelBuildCommand.ArchitectureOption("SE-ResNet for the inference figures.", "seresnet50");
        var device = EvaluateCommand.DeviceOption();
        var threads = EvaluationOptions.Checked(new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads (0: one per core).", DefaultValueFactory = _ => 0 },
            v => v >= 0, "0 (one per core) or a whole number of threads");
        var endToEnd = EvaluationOptions.AtLeastOne(new Option<int>("--e2e-images") { Description = "Images for the end-to-end figure.", DefaultValueFactory = _ => 128 });
        // No DefaultValueFactory: help would show an array default as "[default: 1|8|32]".
        var batchSizes = new Option<int[]>("--batch-sizes") { Description = "Inference batch sizes, space-separated (default: 1 8 32).", AllowMultipleArgumentsPerToken = true };
        batchSizes.Validators.Add(result =>
        {
            foreach (var size in result.GetValueOrDefault<int[]>() ?? [])
            {
                if (size < 1)
                {
                    result.AddError(Contracts.Jobs.JobSpecRules.Problem("--batch-sizes", size, Contracts.Jobs.JobSpecRules.Positive));
                }
            }
        });
        var streams = EvaluationOptions.Checked(new Option<int>("--streams") { Description = "ONNX Runtime sessions run at once on the device (0: 2 on a GPU, 1 on the CPU).", DefaultValueFactory = _ => 0 },
            v => v >= 0, "0 (2 on a GPU, 1 on the CPU) or a whole number of sessions");
        var findBatch = new Option<bool>("--find-batch") { Description = "Search the batch size with the most images/s that fits the device (doubling from 1)." };
        var maxBatch = EvaluationOptions.AtLeastOne(new Option<int>("--max-batch") { Description = "Largest batch size --find-batch tries.", DefaultValueFactory = _ => 1024 });
        var fp16 = new Option<bool>("--fp16") { Description = "Also measure the float16 variant: its speed and how many top-1 / top-5 rankings move from float32." };
        var json = new Option<string?>("--json") { Description = "Also write the figures as JSON to this file (every table row, and the headline numbers by name)." };
        var cluster = new Option<bool>("--cluster") { Description = "Instead: images/s of an in-process cluster against the engine alone (same images, same small model)." };
        var silos = EvaluationOptions.AtLeastOne(new Option<int>("--silos") { Description = "Silos of the --cluster benchmark.", DefaultValueFactory = _ => 3 });
        var clusterImages = EvaluationOptions.AtLeastOne(new Option<int>("--cluster-images") { Description = "Images of the --cluster benchmark.", DefaultValueFactory = _ => 600 });
        var blob = new Option<bool>("--blob") { Description = "Instead: blob listing, planning, memory and read figures against SENet__Storage__ConnectionString." };
        var blobCount = EvaluationOptions.AtLeastOne(new Option<int>("--blobs") { Description = "Blobs of the --blob listing benchmark.", DefaultValueFactory = _ => 100_000 });
        var coordinator = new Option<bool>("--coordinator") { Description = "Instead: the job coordinator alone, driven by simulated devices (no images read): completions/s, latencies, storage written, busy share." };
        var shards = new Option<int>("--shards") { Description = "Shards of the --coordinator job.", DefaultValueFactory = _ => 1_000 };
        var shardSize = new Option<int>("--shard-size") { Description = "Images a shard of the --coordinator job.", DefaultValueFactory = _ => 256 };
        var devices = new Option<int>("--devices") { Description = "Simulated devices of --coordinator.", DefaultValueFactory = _ => 100 };
        var deviceSpeed = new Option<double>("--device-images-per-second") { Description = "Each simulated device's images/s.", DefaultValueFactory = _ => 3_000 };
        var compression = new Option<double>("--compression") { Description = "Time compression of the simulated devices (10: a shard takes a tenth of its real time).", DefaultValueFactory = _ => 1 };
        var inFlight = new Option<int>("--shards-in-flight") { Description = "Shards each simulated worker holds at once.", DefaultValueFactory = _ => 2 };
        var jobStorage = new Option<string>("--storage") { Description = "--coordinator job state: memory, or blob (the account of SENet__Storage__ConnectionString).", DefaultValueFactory = _ => "memory" };
        var hung = new Option<int>("--hung-devices") { Description = "Simulated devices that take a lease and never complete it." };
        var killSiloAt = new Option<double>("--kill-silo-at") { Description = "Share of shards merged (0 to 1) when a silo holding one node of devices stops (needs --storage blob); 0: never." };
        var leaseTimeout = new Option<double>("--lease-timeout") { Description = "Lease timeout of the --coordinator job, seconds.", DefaultValueFactory = _ => 30 };
        var slowDevices = new Option<int>("--slow-devices") { Description = "Simulated devices of --coordinator that run at --slow-images-per-second (CPUs among GPUs)." };
        var slowSpeed = new Option<double>("--slow-images-per-second") { Description = "The slow simulated devices' images/s.", DefaultValueFactory = _ => 50 };
        var models = EvaluationOptions.Checked(new Option<int>("--models") { Description = "Instead: images/s of N tiny decode-bound models in one pass against one model's pass and N single-model passes, 2 views against 1, and decodes per image." },
            v => v >= 0, "a whole number of models (0: off)");
        var passImages = EvaluationOptions.AtLeastOne(new Option<int>("--pass-images") { Description = "Images of the --models benchmark.", DefaultValueFactory = _ => 512 });
        var repeats = EvaluationOptions.AtLeastOne(new Option<int>("--repeats") { Description = "Rounds of the --models benchmark (each figure is the best).", DefaultValueFactory = _ => 3 });
        var shardSizes = new Option<string[]>("--shard-sizes")
        {
            Description = "Instead: run 'senet evaluate' on the same small images once per shard size (e.g. 10,1000,auto), print the wall times and fail unless the counts are identical.",
            AllowMultipleArgumentsPerToken = true,
        };
        shardSizes.Validators.Add(result =>
        {
            foreach (var size in ShardSizeBenchmark.Split(result.GetValueOrDefault<string[]>()))
            {
                if (size != "auto" && !(int.TryParse(size, out var n) && n >= 1))
                {
                    result.AddError($"--shard-sizes: '{size}' is not a shard size; use whole numbers of 1 or more, or auto (e.g. --shard-sizes 10,1000,auto).");
                }
            }
        });
        var shardImages = EvaluationOptions.AtLeastOne(new Option<int>("--shard-images") { Description = "Images of the --shard-sizes benchmark.", DefaultValueFactory = _ => 20_000 });
        var autoShards = new Option<bool>("--auto-shard-size") { Description = "The --coordinator job runs as --shard-size auto, with --shard-size as its base: leases carry runs of shards sized to about 10 s of each device's measured work." };
        var commitInterval = new Option<double?>("--commit-interval") { Description = "The longest the --coordinator job's group commit waits after a write, milliseconds (it waits twice the last write's duration, at most this); default: the silo's (25)." };
        var afterPlanning = new Option<bool>("--after-planning") { Description = "The --coordinator devices start leasing once the whole listing is planned: the coordinator's feed measured apart from the listing's pace (which is slower than 1,000 fast devices)." };
        var separateLease = new Option<bool>("--separate-lease") { Description = "The --coordinator lanes complete and lease in two calls, as workers did before a completion carried the next lease request (for comparison)." };
        var listing = new Option<string>("--listing") { Description = "What the --coordinator job plans from: synthetic (names only), or blob (as many real tiny blobs, uploaded once to a container of SENet__Storage__ConnectionString's account and reused).", DefaultValueFactory = _ => "synthetic" };
        var command = new Command("bench", "Measure decode + preprocess (against PIL + torchvision), inference and end-to-end throughput on this machine.")
        {
            images, seconds, architecture, device, threads, endToEnd, batchSizes, streams, findBatch, maxBatch, fp16, json, cluster, silos, clusterImages, blob, blobCount,
            coordinator, shards, shardSize, devices, deviceSpeed, compression, inFlight, jobStorage, hung, killSiloAt, leaseTimeout, slowDevices, slowSpeed,
            models, passImages, repeats,
            shardSizes, shardImages, autoShards, commitInterval, afterPlanning, separateLease, listing,
        };
        command.SetAction((parse, cancellationToken) => console.RunAsync(async () =>
        {
            if (parse.GetValue(coordinator))
            {
                var simulated = new CoordinatorBenchmarkOptions(parse.GetValue(shards), parse.GetValue(shardSize), parse.GetValue(devices), parse.GetValue(deviceSpeed),
                    parse.GetValue(compression), parse.GetValue(inFlight), parse.GetValue(jobStorage)!, parse.GetValue(hung), parse.GetValue(killSiloAt),
                    LeaseTimeout: TimeSpan.FromSeconds(parse.GetValue(leaseTimeout)), SlowDevices: parse.GetValue(slowDevices), SlowImagesPerSecond: parse.GetValue(slowSpeed), AutoShardSize: parse.GetValue(autoShards),
                    CommitInterval: parse.GetValue(commitInterval) is { } ms ? TimeSpan.FromMilliseconds(double.IsFinite(ms) ? ms : -1) : null,
                    AfterPlanning: parse.GetValue(afterPlanning), SeparateLease: parse.GetValue(separateLease), Listing: parse.GetValue(listing)!);
                var run = await new CoordinatorBenchmark(simulated, console.Error).RunAsync(cancellationToken);
                var figures = CoordinatorReport.Write(console, run);
                if (parse.GetValue(json) is { } path)
                {
                    await figures.WriteAsync(path, cancellationToken);
                    console.Error.WriteLine($"bench: figures written to {path}");
                }

                return 0;
            }

            if (parse.GetValue(models) > 0)
            {
                await new MultiModelBenchmark(console, parse.GetValue(models), parse.GetValue(passImages), inputSize: 64, parse.GetValue(repeats)).RunAsync(cancellationToken);
                return 0;
            }

            if (ShardSizeBenchmark.Split(parse.GetValue(shardSizes)) is { Count: > 0 } sizes)
            {
                var threadCount = parse.GetValue(threads);
                return await new ShardSizeBenchmark(console, sizes, parse.GetValue(shardImages), imageSize: 40, threadCount > 0 ? ["--threads", $"{threadCount}"] : []).RunAsync(cancellationToken);
            }

            if (parse.GetValue(blob))
            {
                await new BlobBenchmark(console, parse.GetValue(blobCount), images: 500).RunAsync(cancellationToken);
                return 0;
            }

            if (parse.GetValue(cluster))
            {
                await new ClusterBenchmark(console, parse.GetValue(silos), parse.GetValue(clusterImages), inputSize: 96, shardSize: 25).RunAsync(cancellationToken);
                return 0;
            }

            var options = new EngineBenchmarkOptions(parse.GetValue(images), parse.GetValue(seconds), parse.GetValue(architecture)!, parse.GetValue(device)!,
                parse.GetValue(threads), parse.GetValue(endToEnd), parse.GetValue(batchSizes) is { Length: > 0 } batches ? batches : null, parse.GetValue(streams), parse.GetValue(findBatch),
                parse.GetValue(maxBatch), parse.GetValue(fp16), parse.GetValue(json));
            await new EngineBenchmark(console, options).RunAsync(cancellationToken);
            return 0;
        }));
        return command;
    }
}
