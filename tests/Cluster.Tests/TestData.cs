using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Models;

namespace SENet.Cluster.Tests;

/// <summary>A labelled JPEG dataset (with two broken files) and a tiny SE-ResNet, written to a temporary folder.</summary>
public sealed class TestData : IDisposable
{
    private TestData(string folder, int images)
    {
        Folder = folder;
        Images = images;
    }

    public string Folder { get; }

    public string DataPath => Path.Combine(Folder, "data");

    public string ModelPath => Path.Combine(Folder, "model.onnx");

    /// <summary>Images in the dataset, broken ones included.</summary>
    public int Images { get; }

    public static async Task<TestData> CreateAsync(int classes, int imagesPerClass, int inputSize = 32)
    {
        var folder = Directory.CreateTempSubdirectory("senet-cluster-").FullName;
        var data = Path.Combine(folder, "data");
        for (var c = 0; c < classes; c++)
        {
            Directory.CreateDirectory(Path.Combine(data, $"class_{c:D2}"));
            for (var i = 0; i < imagesPerClass; i++)
            {
                await File.WriteAllBytesAsync(Path.Combine(data, $"class_{c:D2}", $"img_{i:D4}.jpg"), SyntheticImages.RenderJpeg(64 + i % 3 * 8, 48 + i % 2 * 8, c, i));
            }
        }

        var whole = SyntheticImages.RenderJpeg(64, 48, 0, 7);
        await File.WriteAllBytesAsync(Path.Combine(data, "class_00", "truncated.jpg"), whole[..(whole.Length / 2)]);
        await File.WriteAllTextAsync(Path.Combine(data, "class_01", "not-an-image.png"), "text, not pixels");
        await File.WriteAllBytesAsync(Path.Combine(folder, "model.onnx"),
            SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: classes, InputSize: inputSize, Seed: 3)));
        return new TestData(folder, classes * imagesPerClass + 2);
    }

    public JobSpec Spec(string output, int shardSize = 4) => new()
    {
        ModelPath = ModelPath,
        DataPath = DataPath,
        ShardSize = shardSize,
        BatchSize = 4,
        DevicePolicy = DevicePolicy.Cpu,
        OutputFolder = Path.Combine(Folder, "out", output),
        LeaseTimeout = TimeSpan.FromSeconds(20),
    };

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
