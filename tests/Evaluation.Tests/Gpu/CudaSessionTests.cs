using SENet.Evaluation.Models;

namespace SENet.Evaluation.Tests.Gpu;

/// <summary>The CUDA path itself: pinned batches through IOBinding, several streams, float16. Skipped without a GPU.</summary>
[Trait("Category", "GPU")]
public sealed class CudaSessionTests
{
    private static readonly SeResNetSpec Spec = new(SeResNetArchitecture.SeResNet50, Classes: 100, InputSize: 96, Seed: 9);

    [CudaFact]
    public void PinnedBatchesOnTwoStreamsScoreAsTheCpuDoes()
    {
        var model = SeResNetBuilder.BuildBytes(Spec);
        using var cpu = ClassifierSession.Create(model, new ClassifierSessionOptions(InferenceDevice.Cpu, MaxBatchSize: 8));
        // TF32 off: the comparison is of float32 on both sides.
        using var gpu = ClassifierSession.Create(model, new ClassifierSessionOptions(InferenceDevice.Parse("cuda:0"), MaxBatchSize: 8,
            Cuda: new CudaSettings(UseTf32: false), Streams: 2));
        Assert.Equal(ClassifierSession.CudaProvider, gpu.ExecutionProvider);
        Assert.True(gpu.PinnedHostMemory);
        Assert.Equal(2, gpu.Streams);

        // Each batch its own images, so a result landing in another stream's batch shows.
        var batches = Enumerable.Range(0, 4).Select(_ => gpu.CreateBatch()).ToList();
        try
        {
            Assert.All(batches, b => Assert.True(b.PinnedHostMemory));
            for (var b = 0; b < batches.Count; b++)
            {
                Fill(batches[b], count: 5, seed: 10 + b);
            }

            Parallel.ForEach(batches, batch => gpu.Run(batch));
            for (var b = 0; b < batches.Count; b++)
            {
                var expected = Run(cpu, count: 5, seed: 10 + b);
                for (var i = 0; i < 5; i++)
                {
                    var scores = batches[b].Scores(i).ToArray();
                    var scale = expected[i].Max(Math.Abs);
                    var difference = scores.Zip(expected[i], (x, y) => Math.Abs(x - y)).Max();
                    Assert.True(difference <= 1e-3 * scale + 1e-5, $"batch {b}, image {i}: GPU and CPU logits differ by {difference} (largest logit {scale})");
                }
            }
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }

    [CudaFact]
    public void Float16ModelRanksAlmostEveryImageAsFloat32Does()
    {
        using var fp32 = ClassifierSession.Create(SeResNetBuilder.BuildBytes(Spec), new ClassifierSessionOptions(InferenceDevice.Parse("cuda:0"), MaxBatchSize: 16));
        using var fp16 = ClassifierSession.Create(SeResNetBuilder.BuildBytes(Spec with { Fp16 = true }), new ClassifierSessionOptions(InferenceDevice.Parse("cuda:0"), MaxBatchSize: 16));

        var a = Run(fp32, count: 16, seed: 2);
        var b = Run(fp16, count: 16, seed: 2);
        var sameTop1 = a.Zip(b, (x, y) => Array.IndexOf(x, x.Max()) == Array.IndexOf(y, y.Max())).Count(same => same);
        Assert.True(sameTop1 >= 14, $"fp16 and fp32 agree on the top-1 class of {sameTop1} of 16 images");
    }

    private static float[][] Run(ClassifierSession session, int count, int seed)
    {
        using var batch = session.CreateBatch();
        Fill(batch, count, seed);
        session.Run(batch);
        return Enumerable.Range(0, count).Select(i => batch.Scores(i).ToArray()).ToArray();
    }

    private static void Fill(InferenceBatch batch, int count, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var image = batch.Image(i);
            for (var j = 0; j < image.Length; j++)
            {
                image[j] = (float)(random.NextDouble() * 4 - 2);
            }
        }

        batch.Count = count;
    }
}
