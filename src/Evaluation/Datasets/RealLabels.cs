using System.Globalization;
using System.Text.Json;

namespace SENet.Evaluation.Datasets;

/// <summary>
/// Several (or no) correct labels per image, as ImageNet-ReaL's <c>real.json</c> gives them: a JSON array whose entry
/// i lists the labels of <c>ILSVRC2012_val_{i+1:D8}</c> (any extension, any folder), or a JSON object from an image's
/// path in the dataset (or its file name) to its labels. Labels are ImageNet-1k indices (torchvision's order); with a
/// model class list they follow the classes' WordNet ids into the model's order.
/// </summary>
public sealed class RealLabels
{
    private const string ImageNetValPrefix = "ILSVRC2012_val_";

    private readonly Dictionary<string, int[]> _byName;
    private readonly bool _byValIndex;

    private RealLabels(Dictionary<string, int[]> byName, bool byValIndex)
    {
        _byName = byName;
        _byValIndex = byValIndex;
    }

    /// <summary>Images the file lists.</summary>
    public int Count => _byName.Count;

    /// <param name="fileName">Shown in errors (never the content).</param>
    /// <param name="toModel">Model output of each label index; null when labels are model outputs already.</param>
    public static RealLabels Parse(string fileName, string json, int modelClasses, IReadOnlyList<int>? toModel = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new DatasetException($"The label sets file '{fileName}' is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}). Pass ImageNet-ReaL's real.json, or an object from image name to a list of labels.");
        }

        using (document)
        {
            var byName = new Dictionary<string, int[]>(StringComparer.Ordinal);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var entry in root.EnumerateArray())
                {
                    byName[$"{ImageNetValPrefix}{(i + 1).ToString("D8", CultureInfo.InvariantCulture)}"] = Labels(fileName, $"entry {i}", entry, modelClasses, toModel);
                    i++;
                }

                return new RealLabels(byName, byValIndex: true);
            }

            if (root.ValueKind == JsonValueKind.Object)
            {
                var i = 0;
                foreach (var property in root.EnumerateObject())
                {
                    byName[property.Name.Replace('\\', '/')] = Labels(fileName, $"entry {i}", property.Value, modelClasses, toModel);
                    i++;
                }

                return new RealLabels(byName, byValIndex: false);
            }

            throw new DatasetException($"The label sets file '{fileName}' holds neither a JSON array (ImageNet-ReaL's real.json) nor an object from image name to labels.");
        }
    }

    /// <summary>The labels of an image (path in the dataset), or null when the file does not list it.</summary>
    public int[]? Lookup(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        if (_byValIndex)
        {
            // real.json lists ImageNet's validation images by position; copies differ in extension and case of it.
            var stem = name.LastIndexOf('.') is > 0 and var dot ? name[..dot] : name;
            return _byName.GetValueOrDefault(stem);
        }

        return _byName.GetValueOrDefault(path) ?? _byName.GetValueOrDefault(name);
    }

    /// <summary>Gives every image its label set; null marks an image the file does not list.</summary>
    public List<LabelledImage> Attach(IEnumerable<LabelledImage> images) => images.Select(Attach).ToList();

    public LabelledImage Attach(LabelledImage image) => image with { RealLabels = Lookup(image.Path) };

    private static int[] Labels(string fileName, string where, JsonElement entry, int modelClasses, IReadOnlyList<int>? toModel)
    {
        if (entry.ValueKind != JsonValueKind.Array)
        {
            throw new DatasetException($"{Capitalised(where)} of the label sets file '{fileName}' is not a list of labels (expected e.g. [417, 512], or [] when no label is right).");
        }

        var labels = new List<int>();
        foreach (var value in entry.EnumerateArray())
        {
            var limit = toModel?.Count ?? modelClasses;
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var label) || label < 0 || label >= limit)
            {
                throw new DatasetException($"{Capitalised(where)} of the label sets file '{fileName}' holds a label that is not a class index from 0 to {limit - 1}.");
            }

            var mapped = toModel?[label] ?? label;
            if (mapped < 0)
            {
                throw new DatasetException($"{Capitalised(where)} of the label sets file '{fileName}' holds ImageNet-1k class {label}, which the model class list does not name.");
            }

            labels.Add(mapped);
        }

        return [.. labels.Distinct()];
    }

    private static string Capitalised(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
