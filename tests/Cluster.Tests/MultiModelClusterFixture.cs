using SENet.Contracts.Jobs;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Models;
using SENet.Grains.Devices;

namespace SENet.Cluster.Tests;

/// <summary>
/// A 3-silo cluster of its own for jobs of several models and views, with a silo killed mid-job: the dataset's model,
/// a second SE-ResNet of the same classes (another seed), and one with a class fewer.
/// </summary>
public sealed class MultiModelClusterFixture : ClusterFixture
{
    // Enough shards (at --shard-size auto's base of 64 too) that every worker holds one while reads are held.
    protected override int ImagesPerClass => 60;

    public string SecondModelPath => Path.Combine(Data.Folder, "second.onnx");

    public string FourClassModelPath => Path.Combine(Data.Folder, "four-classes.onnx");

    /// <summary>The second view every model of the fixture can take: its 32×32 input, cropped at crop_pct 1.</summary>
    public static ViewSpec WholeImage { get; } = ViewSpec.Parse("32@1");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await File.WriteAllBytesAsync(SecondModelPath, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 5, InputSize: InputSize, Seed: 17)));
        await File.WriteAllBytesAsync(FourClassModelPath, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 4, InputSize: InputSize, Seed: 5)));
    }

    /// <summary>The dataset's model as "first" and the second as "second", in that order.</summary>
    public IReadOnlyList<JobModel> TwoModels => [new("first", Data.ModelPath), new("second", SecondModelPath)];

    // One shard per worker at a time: with reads held, each worker holds one lease and no silo can drain the job.
    protected override DeviceOptions DevicesFor(string siloName)
    {
        var devices = base.DevicesFor(siloName);
        devices.ShardsInFlight = 1;
        return devices;
    }
}
