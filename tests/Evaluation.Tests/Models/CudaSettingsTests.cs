using SENet.Evaluation.Models;

namespace SENet.Evaluation.Tests.Models;

public sealed class CudaSettingsTests
{
    [Fact]
    public void SettingsBecomeTheProviderOptionsOfTheirDevice()
    {
        var options = new CudaSettings("heuristic", MaxWorkspace: false, MemoryLimitMb: 2048, UseTf32: false).ToProviderOptions(3);

        Assert.Equal("3", options["device_id"]);
        Assert.Equal("HEURISTIC", options["cudnn_conv_algo_search"]);
        Assert.Equal("0", options["cudnn_conv_use_max_workspace"]);
        Assert.Equal("0", options["use_tf32"]);
        Assert.Equal((2048L * 1024 * 1024).ToString(), options["gpu_mem_limit"]);
    }

    [Fact]
    public void DefaultsTuneForThroughputAndLeaveMemoryUnlimited()
    {
        var options = new CudaSettings().ToProviderOptions(0);

        Assert.Equal("EXHAUSTIVE", options["cudnn_conv_algo_search"]);
        Assert.Equal("1", options["cudnn_conv_use_max_workspace"]);
        Assert.False(options.ContainsKey("gpu_mem_limit"));
    }

    [Fact]
    public void AnUnknownAlgorithmSearchIsRefusedNamingTheChoicesAndTheKey()
    {
        var error = Assert.Throws<ArgumentException>(() => new CudaSettings("FASTEST").ToProviderOptions(0));

        Assert.Contains("'FASTEST'", error.Message);
        Assert.Contains("EXHAUSTIVE, HEURISTIC, DEFAULT", error.Message);
        Assert.Contains("SENet:Devices:Cuda:CudnnConvAlgoSearch", error.Message);
    }

    [Fact]
    public void BadCudaSettingsAreRefusedBeforeAnyProviderLoadsEvenWithoutAGpu()
    {
        var model = SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 2, InputSize: 32));

        var error = Assert.Throws<ArgumentException>(() => ClassifierSession.Create(model,
            new ClassifierSessionOptions(InferenceDevice.Parse("cuda:0"), Cuda: new CudaSettings(MemoryLimitMb: -1))));

        Assert.Contains("MemoryLimitMb", error.Message);
    }

    [Fact]
    public void ASecondStreamOnTheCpuScoresExactlyAsOne()
    {
        var model = SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 10, InputSize: 32, Seed: 4));
        using var one = ClassifierSession.Create(model, new ClassifierSessionOptions(InferenceDevice.Cpu, MaxBatchSize: 2, IntraOpThreads: 1));
        using var two = ClassifierSession.Create(model, new ClassifierSessionOptions(InferenceDevice.Cpu, MaxBatchSize: 2, IntraOpThreads: 1, Streams: 2));
        Assert.Equal(2, two.Streams);
        Assert.False(two.PinnedHostMemory);

        var batches = Enumerable.Range(0, 6).Select(i =>
        {
            var batch = two.CreateBatch();
            batch.Count = 2;
            batch.Image(0).Fill(i * 0.1f);
            batch.Image(1).Fill(-i * 0.1f);
            return batch;
        }).ToList();
        Parallel.ForEach(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, batch => two.Run(batch));

        using var reference = one.CreateBatch();
        foreach (var batch in batches)
        {
            batch.Image(0).CopyTo(reference.Image(0));
            batch.Image(1).CopyTo(reference.Image(1));
            reference.Count = 2;
            one.Run(reference);
            Assert.Equal(reference.Scores(0).ToArray(), batch.Scores(0).ToArray());
            Assert.Equal(reference.Scores(1).ToArray(), batch.Scores(1).ToArray());
            batch.Dispose();
        }
    }
}
