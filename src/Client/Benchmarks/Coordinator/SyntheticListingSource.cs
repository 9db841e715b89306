using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using SENet.Evaluation.Datasets;

namespace SENet.Client.Benchmarks.Coordinator;

/// <summary>
/// An ImageFolder listing that exists only as names: <see cref="Images"/> entries spread evenly over
/// <see cref="Classes"/> class folders, listed in ordinal order as a real source lists them. No image has bytes, so the
/// coordinator benchmark can plan a ten-million-entry dataset without one file; reading one is refused.
/// </summary>
public sealed class SyntheticListingSource(long images, int classes) : IDatasetSource
{
    /// <summary>The location prefix that names a synthetic listing: <c>synthetic:IMAGES:CLASSES</c>.</summary>
    public const string Scheme = "synthetic:";

    public long Images { get; } = images >= 1 ? images : throw new ArgumentOutOfRangeException(nameof(images), images, "A synthetic listing has at least one image.");

    public int Classes { get; } = classes >= 1 ? classes : throw new ArgumentOutOfRangeException(nameof(classes), classes, "A synthetic listing has at least one class.");

    public string Description => Location(Images, Classes);

    public static string Location(long images, int classes) => string.Create(CultureInfo.InvariantCulture, $"{Scheme}{images}:{classes}");

    /// <summary>The listing a location names, or null when it names none.</summary>
    public static SyntheticListingSource? TryParse(string location)
    {
        if (!location.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = location[Scheme.Length..].Split(':');
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var images) && images >= 1
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var classes) && classes >= 1
            ? new SyntheticListingSource(images, classes)
            : throw new ArgumentException($"Synthetic listing '{location}' is malformed: write {Scheme}IMAGES:CLASSES, both whole numbers of at least 1.");
    }

    /// <summary>Class folder names sort in class order: fixed-width numbers.</summary>
    public static string ClassFolder(int label) => string.Create(CultureInfo.InvariantCulture, $"c{label:D5}");

    /// <summary>Images of class <paramref name="label"/>: the first <c>Images % Classes</c> classes take one more.</summary>
    public long ImagesOf(int label) => Images / Classes + (label < Images % Classes ? 1 : 0);

    public async IAsyncEnumerable<string> ListFoldersAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var label = 0; label < Classes; label++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return ClassFolder(label);
        }

        await Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListFilesAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var label = 0; label < Classes; label++)
        {
            var folder = ClassFolder(label);
            var count = ImagesOf(label);
            for (long i = 0; i < count; i++)
            {
                // Short names keep the manifests the coordinator writes small; fixed width keeps ordinal order.
                var name = string.Create(CultureInfo.InvariantCulture, $"{folder}/{i:D8}.jpg");
                if (name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    if ((i & 0xFFFF) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    yield return name;
                }
            }
        }

        await Task.CompletedTask;
    }

    public Task<bool> ExistsAsync(string path, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task<IMemoryOwner<byte>> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken) =>
        throw new FileNotFoundException($"{path} is a name in a synthetic listing ({Description}), for the coordinator benchmark: it has no bytes to read.");

    public Task<string> ReadTextAsync(string path, CancellationToken cancellationToken) =>
        throw new FileNotFoundException($"{path} is not in synthetic listing {Description}: a synthetic listing has images only, no labels or class files.");
}
