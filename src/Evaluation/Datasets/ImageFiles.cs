namespace SENet.Evaluation.Datasets;

/// <summary>The file extensions treated as images (torchvision's list, less the formats no decoder here reads, plus GIF).</summary>
public static class ImageFiles
{
    public static IReadOnlySet<string> Extensions { get; } =
        new HashSet<string>([".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The default limit on an image file's size, checked before it is read (locally its length, from blob storage its
    /// Content-Length): far above any photograph (ImageNet's largest validation JPEG is under 16 MB).
    /// </summary>
    public const long DefaultMaxBytes = 256L * 1024 * 1024;

    /// <summary>The largest limit that can be honoured: one file is read into one array.</summary>
    public static long LargestMaxBytes => Array.MaxLength;

    /// <summary>Every file whose extension is an image's, hidden names included: torchvision's ImageFolder skips none.</summary>
    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path));

    public static FileRefusedException TooLarge(long length, long maxBytes) =>
        new($"file is {length:N0} bytes, over the limit of {maxBytes:N0} bytes per file (--max-file-bytes)");
}
