using System.Collections.Concurrent;

namespace SENet.Evaluation.Reproducibility;

/// <summary>
/// How many images of each format each decoder decoded (thread-safe): the record of which decoder actually ran, since
/// the choice depends on what the machine has installed.
/// </summary>
public sealed class DecodeTally
{
    public const string TurboJpeg = "libjpeg-turbo";
    public const string TurboJpegReduced = "libjpeg-turbo at reduced DCT scale";
    public const string Skia = "Skia";

    private readonly ConcurrentDictionary<(string Format, string Decoder), long> _counts = new();

    public void Add(string format, string decoder) => _counts.AddOrUpdate((format, decoder), 1, static (_, n) => n + 1);

    /// <summary>Counts keyed "format: decoder", e.g. "jpeg: libjpeg-turbo".</summary>
    public Dictionary<string, long> Snapshot() => _counts.ToDictionary(p => Key(p.Key.Format, p.Key.Decoder), p => p.Value, StringComparer.Ordinal);

    public static string Key(string format, string decoder) => $"{format}: {decoder}";

    /// <summary>Adds <paramref name="counts"/> (a shard's snapshot) into <paramref name="into"/>.</summary>
    public static void Merge(IDictionary<string, long> into, IReadOnlyDictionary<string, long>? counts)
    {
        foreach (var (key, value) in counts ?? new Dictionary<string, long>())
        {
            into[key] = into.TryGetValue(key, out var n) ? n + value : value;
        }
    }

    /// <summary>The container format from the first bytes (what Skia or libjpeg-turbo would recognise).</summary>
    public static string Format(ReadOnlySpan<byte> encoded) => encoded switch
    {
        [0xFF, 0xD8, ..] => "jpeg",
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "png",
        [(byte)'G', (byte)'I', (byte)'F', ..] => "gif",
        [(byte)'B', (byte)'M', ..] => "bmp",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "webp",
        _ => "other",
    };
}
