using System.Text;
using SENet.Evaluation.Datasets;

namespace SENet.Evaluation.Storage;

/// <summary>
/// Text files a job names (labels, class lists), read the same way from every source: the bytes first, then one
/// decoding that honours a byte-order mark (UTF-8, UTF-16 or UTF-32, as <see cref="File.ReadAllText(string)"/> does)
/// and is UTF-8 otherwise. A BOM never becomes part of the first line, wherever the file lives.
/// </summary>
public static class TextFiles
{
    /// <summary>Far above any labels file (ImageNet's val.txt is 1.4 MB), far below what a string can hold.</summary>
    public const long MaxBytes = 512L * 1024 * 1024;

    public static FileRefusedException TooLarge(string name, long length) =>
        new($"{name} is {length:N0} bytes, over the {MaxBytes:N0}-byte limit of a labels or class-list file");

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes.ToArray(), writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>Reads a local text file, refusing what is not a regular file or is over <see cref="MaxBytes"/> before opening it.</summary>
    public static async Task<string> ReadLocalAsync(string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var (kind, length) = LocalFiles.Stat(full);
        if (kind == LocalFileKind.Missing)
        {
            throw new FileNotFoundException($"File '{full}' does not exist.", full);
        }

        if (kind != LocalFileKind.Regular)
        {
            throw new FileRefusedException($"'{full}' is {LocalFiles.Describe(kind)}, not a regular file: only regular files are read.");
        }

        if (length > MaxBytes)
        {
            throw TooLarge($"'{full}'", length);
        }

        return Decode(await File.ReadAllBytesAsync(full, cancellationToken));
    }
}
