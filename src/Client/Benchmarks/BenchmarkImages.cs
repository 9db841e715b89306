using SENet.Evaluation.Datasets;

namespace SENet.Client.Benchmarks;

/// <summary>Photograph-like JPEGs written to a folder and held in memory, so decode timings leave the disk out.</summary>
public sealed class BenchmarkImages(string folder, IReadOnlyList<string> files, IReadOnlyList<byte[]> bytes)
{
    public string Folder { get; } = folder;

    public IReadOnlyList<string> Files { get; } = files;

    public IReadOnlyList<byte[]> Bytes { get; } = bytes;

    public double AverageKilobytes => Bytes.Average(b => b.Length) / 1024.0;

    public static async Task<BenchmarkImages> WriteAsync(string folder, int count, int width, int height, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        var bytes = new List<byte[]>();
        for (var i = 0; i < count; i++)
        {
            var jpeg = SyntheticImages.RenderJpeg(width, height, i % 10, 10_000 + i);
            var name = $"bench_{i:D5}_{width}x{height}_q90.jpg";
            await File.WriteAllBytesAsync(Path.Combine(folder, name), jpeg, cancellationToken);
            files.Add(name);
            bytes.Add(jpeg);
        }

        return new BenchmarkImages(folder, files, bytes);
    }
}
