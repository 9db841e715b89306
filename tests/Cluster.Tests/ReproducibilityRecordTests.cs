using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Models;

namespace SENet.Cluster.Tests;

/// <summary>The reproducibility record a cluster job writes into its report, checked against digests computed here.</summary>
public sealed class ReproducibilityRecordTests(SingleSiloFixture single, ClusterFixture cluster) : IClassFixture<SingleSiloFixture>, IClassFixture<ClusterFixture>
{
    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The image list as the job's written manifests hold it, one "name TAB label LF" an image.</summary>
    private static string ManifestSha256(string outputFolder)
    {
        var lines = new StringBuilder();
        foreach (var manifest in Directory.GetFiles(Path.Combine(outputFolder, "manifest"), "shard-*.json").Order(StringComparer.Ordinal))
        {
            foreach (var row in JsonSerializer.Deserialize<string[][]>(File.ReadAllBytes(manifest))!)
            {
                lines.Append(row[0]).Append('\t').Append(row[1]).Append('\n');
            }
        }

        return Sha256(Encoding.UTF8.GetBytes(lines.ToString()));
    }

    [Fact]
    public async Task TheRecordNamesTheInputsDigestsAndChangesWhenTheModelsBytesChange()
    {
        var data = single.Data;
        var first = data.Spec("repro-first");
        var otherModel = Path.Combine(data.Folder, "model-other-weights.onnx");
        // The same architecture and shapes, other weights: other bytes.
        await File.WriteAllBytesAsync(otherModel, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 5, InputSize: 32, Seed: 4)));
        var second = data.Spec("repro-second", shardSize: 7) with { ModelPath = otherModel };

        var a = (await JobDriver.RunAsync(single.Grains, "repro-first", first)).Reproducibility!;
        var b = (await JobDriver.RunAsync(single.Grains, "repro-second", second)).Reproducibility!;

        Assert.Equal(Sha256(await File.ReadAllBytesAsync(data.ModelPath)), a.ModelSha256);
        Assert.Equal(Sha256(await File.ReadAllBytesAsync(otherModel)), b.ModelSha256);
        Assert.NotEqual(a.ModelSha256, b.ModelSha256);
        // The same images and labels, sharded differently: the same image-list digest, the one the manifests give.
        Assert.Equal(ManifestSha256(first.OutputFolder!), a.ManifestSha256);
        Assert.Equal(a.ManifestSha256, b.ManifestSha256);
        Assert.Equal(data.Images, a.ManifestImages);
        Assert.Equal((data.ModelPath, data.DataPath, 4, 4, 1), (a.ModelLocation, a.DatasetLocation, a.BatchSize, a.ShardSize, a.Devices));
        Assert.Equal((36, 32, "bilinear", "RGB"), (a.Preprocessing.Resize, a.Preprocessing.Crop, a.Preprocessing.Interpolation, a.Preprocessing.ChannelOrder));
        Assert.Contains(a.ExecutionProviders, p => p.Contains(ClassifierSession.CpuProvider, StringComparison.Ordinal));
        Assert.Equal(Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString(), a.OnnxRuntimeVersion);
        Assert.NotEqual("unknown", a.Commit);
        // Every decodable JPEG through libjpeg-turbo here (test.sh installs it): PIL-exact, and the counts say so.
        Assert.True(TurboJpegDecoder.IsAvailable, "libturbojpeg.so.0 is missing: apt-get install libturbojpeg0 (test.sh does)");
        Assert.True(a.PilExact, a.PilExactNote);
        Assert.Contains(a.Decoders, d => d is { Format: "jpeg", Decoder: "libjpeg-turbo" } && d.Images == data.Images - 2);
    }

    [Fact]
    public async Task OnAClusterTheDecodersOfEveryShardReachTheRecordAcrossSilos()
    {
        var report = await JobDriver.RunAsync(cluster.Grains, "repro-cluster", cluster.Data.Spec("repro-cluster", shardSize: 3));
        var record = report.Reproducibility!;

        // Every image decoded was scored (the two broken files fail before a decoder finishes): the merged counts say so.
        Assert.Equal(report.Images, record.Decoders.Sum(d => d.Images));
        Assert.Equal(report.Timeline.Select(t => t.Worker).Distinct().Count(), record.Devices);
        Assert.NotEmpty(record.ExecutionProviders);
    }
}
