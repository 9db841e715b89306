using System.Text.Json;

namespace SENet.Evaluation.Tests.Imaging;

/// <summary>A ten-crop reference made by PIL + torchvision's TenCrop (tools/reference/make_tencrop_fixtures.py).</summary>
public sealed record TenCropFixture(string Image, string Interpolation, string? Output, IReadOnlyList<string> CropSha256)
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tencrop");

    public static IReadOnlyList<TenCropFixture> All { get; } = Load();

    public static IEnumerable<object[]> Cases => All.Select(f => new object[] { f.Image });

    public static TenCropFixture Named(string image) => All.Single(f => f.Image == image);

    private static List<TenCropFixture> Load()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json")));
        return manifest.RootElement.GetProperty("fixtures").EnumerateArray().Select(f => new TenCropFixture(
            f.GetProperty("image").GetString()!,
            f.GetProperty("interpolation").GetString()!,
            f.GetProperty("output").GetString(),
            f.GetProperty("crop_sha256").EnumerateArray().Select(h => h.GetString()!).ToList())).ToList();
    }
}
