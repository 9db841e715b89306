namespace SENet.Evaluation.Datasets;

/// <summary>The file extensions treated as images (torchvision's list, less the formats no decoder here reads, plus GIF).</summary>
public static class ImageFiles
{
    public static IReadOnlySet<string> Extensions { get; } =
        new HashSet<string>([".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif"], StringComparer.OrdinalIgnoreCase);

    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path));
}
