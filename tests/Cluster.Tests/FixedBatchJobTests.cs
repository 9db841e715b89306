using Google.Protobuf;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Models;

namespace SENet.Cluster.Tests;

/// <summary>A job whose model fixes its batch dimension runs on a silo (validation loads it for one image) and says the batch size was overridden.</summary>
public sealed class FixedBatchJobTests(SingleSiloFixture single) : IClassFixture<SingleSiloFixture>
{
    [Fact]
    public async Task AFixedBatchModelRunsItsOwnBatchSizeCountsAsTheDynamicModelAndSaysSo()
    {
        var model = ModelInspector.Load(await File.ReadAllBytesAsync(single.Data.ModelPath));
        model.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimValue = 4;
        model.Graph.Output[0].Type.TensorType.Shape.Dim[0].DimValue = 4;
        var fixedPath = Path.Combine(single.Data.Folder, "fixed-batch-4.onnx");
        await File.WriteAllBytesAsync(fixedPath, model.ToByteArray());

        var dynamic = await JobDriver.RunAsync(single.Grains, "batch-dynamic", single.Data.Spec("batch-dynamic"));
        var fixedBatch = await JobDriver.RunAsync(single.Grains, "batch-fixed", single.Data.Spec("batch-fixed", shardSize: 7) with { ModelPath = fixedPath, BatchSize = 32 });

        Assert.Equal(JobState.Completed.ToString().ToLowerInvariant(), fixedBatch.State);
        JobDriver.AssertSameCounts(dynamic, fixedBatch);
        Assert.Contains(fixedBatch.Notes, n => n.Contains("fixes its batch at 4 images") && n.Contains("the batch size of 32 asked for is overridden"));
        Assert.DoesNotContain(dynamic.Notes, n => n.Contains("fixes its batch"));
    }
}
