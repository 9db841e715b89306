using System.Text.RegularExpressions;

namespace SENet.Evaluation.Datasets;

/// <summary>
/// ImageNet-1k's classes as torchvision and timm order them (WordNet ids sorted: 0 = n01440764, tench), the order
/// ImageNet-V2's class-index folders, ImageNet-ReaL's labels and ImageNet-A/-R's class lists refer to.
/// </summary>
public static partial class ImageNetClasses
{
    public const int Count = 1000;

    private static readonly Lazy<IReadOnlyList<string>> Ids = new(Load);
    private static readonly Lazy<Dictionary<string, int>> Indices = new(() => WordNetIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal));

    public static IReadOnlyList<string> WordNetIds => Ids.Value;

    /// <summary>The ImageNet-1k index of a WordNet id, or -1 when it is not one of the 1,000.</summary>
    public static int IndexOf(string wordNetId) => Indices.Value.GetValueOrDefault(wordNetId, -1);

    /// <summary>A WordNet noun id as ImageNet names its synsets: n and eight digits.</summary>
    public static bool IsWordNetId(string name) => WordNetIdPattern().IsMatch(name);

    [GeneratedRegex("^n[0-9]{8}$", RegexOptions.CultureInvariant)]
    private static partial Regex WordNetIdPattern();

    private static IReadOnlyList<string> Load()
    {
        using var stream = typeof(ImageNetClasses).Assembly.GetManifestResourceStream("SENet.Evaluation.Datasets.imagenet-1k-wnids.txt")
            ?? throw new InvalidOperationException("The ImageNet-1k class list is missing from the SENet.Evaluation assembly.");
        using var reader = new StreamReader(stream);
        var ids = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return ids.Length == Count ? ids : throw new InvalidOperationException($"The embedded ImageNet-1k class list holds {ids.Length} ids, not {Count}.");
    }
}
