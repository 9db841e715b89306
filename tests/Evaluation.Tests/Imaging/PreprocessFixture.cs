using System.Text.Json;

namespace SENet.Evaluation.Tests.Imaging;

/// <summary>A reference output made by PIL + torchvision (tools/reference/make_preprocess_fixtures.py).</summary>
public sealed record PreprocessFixture(string Image, string Interpolation, string Output, int SourceWidth, int SourceHeight, string SourceMode, double[]? NormalizedMean)
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "preprocess");

    public static IReadOnlyList<PreprocessFixture> All { get; } = Load();

    public static IEnumerable<object[]> Cases => All.Select(f => new object[] { f.Output });

    public static PreprocessFixture Named(string output) => All.Single(f => f.Output == output);

    public static IReadOnlyDictionary<string, string> DecodedSha256 { get; } = LoadImageHashes();

    private static List<PreprocessFixture> Load()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json")));
        return manifest.RootElement.GetProperty("fixtures").EnumerateArray().Select(f => new PreprocessFixture(
            f.GetProperty("image").GetString()!,
            f.GetProperty("interpolation").GetString()!,
            f.GetProperty("output").GetString()!,
            f.GetProperty("source_width").GetInt32(),
            f.GetProperty("source_height").GetInt32(),
            f.GetProperty("source_mode").GetString()!,
            f.TryGetProperty("normalized_mean", out var mean) ? mean.EnumerateArray().Select(v => v.GetDouble()).ToArray() : null)).ToList();
    }

    private static Dictionary<string, string> LoadImageHashes()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json")));
        return manifest.RootElement.GetProperty("images").EnumerateArray()
            .ToDictionary(i => i.GetProperty("file").GetString()!, i => i.GetProperty("decoded_rgb_sha256").GetString()!);
    }
}
