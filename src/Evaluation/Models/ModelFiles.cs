using System.Globalization;

namespace SENet.Evaluation.Models;

/// <summary>
/// Reads a model file that a job's submitter named, checking its type and size before a byte is read: a device
/// (/dev/zero), a FIFO or a file over the cap would otherwise hold the process until it runs out of memory or forever.
/// </summary>
public static class ModelFiles
{
    /// <summary>4 GiB: above SE-ResNet-152 in float32 (267 MB) many times over, below what a silo's memory holds.</summary>
    public const long DefaultMaxBytes = 4L << 30;

    /// <summary>Where the cap is configured, for error messages.</summary>
    public const string MaxBytesSetting = "SENet:Storage:MaxModelBytes (environment SENet__Storage__MaxModelBytes)";

    /// <summary>Refuses a path that is missing, not a regular file, empty or over <paramref name="maxBytes"/>; returns its size.</summary>
    public static long Check(string path, long maxBytes, string what = "Model file")
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"{what} '{path}' does not exist. Build one with 'senet model build' or pass the path of an exported .onnx file.", path);
        }

        if (Storage.LocalFiles.Stat(file.FullName).Kind is not (Storage.LocalFileKind.Regular or Storage.LocalFileKind.Missing) and var kind)
        {
            throw new ModelValidationException($"{what} '{path}' is {Storage.LocalFiles.Describe(kind)}, not a regular file: it is refused before reading. Pass the path of an .onnx file.");
        }

        return CheckSize(path, file.Length, maxBytes, what);
    }

    /// <summary>Refuses a size of 0 or over <paramref name="maxBytes"/>, naming the figure and how to raise the cap.</summary>
    public static long CheckSize(string display, long bytes, long maxBytes, string what = "Model file")
    {
        if (bytes == 0)
        {
            throw new ModelValidationException($"{what} '{display}' is empty. Pass the path of an exported .onnx file.");
        }

        if (bytes > maxBytes)
        {
            throw new ModelValidationException(
                $"{what} '{display}' is {Figure(bytes)}, over the model size limit of {Figure(maxBytes)}: it is refused before reading. " +
                $"Raise the limit with {MaxBytesSetting} if the model really is that large.");
        }

        return bytes;
    }

    /// <summary>Checks, then reads the whole model (never more than the size checked: a file that grows meanwhile is refused).</summary>
    public static async Task<byte[]> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken = default)
    {
        var length = Check(path, maxBytes);
        if (length > Array.MaxLength)
        {
            throw new ModelValidationException(
                $"Model file '{path}' is {Figure(length)}; an ONNX protobuf holds at most 2 GiB. Export the weights as external data (a .onnx file with its weights file beside it).");
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var bytes = new byte[length];
        var read = await stream.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken);
        if (read != length || stream.ReadByte() != -1)
        {
            throw new IOException($"Model file '{path}' changed while it was read ({Figure(length)} expected). Write it once, then start the job.");
        }

        return bytes;
    }

    public static string Figure(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.##} GiB ({bytes:N0} bytes)")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes");
}
