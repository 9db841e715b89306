using System.Globalization;

namespace SENet.Evaluation.Metrics;

/// <summary>The model outputs a dataset covers (e.g. the 200 ImageNet-1k classes of ImageNet-A), and how to score on them.</summary>
public sealed class ClassSubset
{
    private readonly bool[] _member;

    public ClassSubset(IEnumerable<int> classes, int modelClasses, ClassSubsetMode mode)
    {
        Classes = [.. classes.Distinct().Order()];
        if (Classes.Length == 0)
        {
            throw new ArgumentException("A class subset needs at least one class.", nameof(classes));
        }

        if (Classes[0] < 0 || Classes[^1] >= modelClasses)
        {
            throw new ArgumentOutOfRangeException(nameof(classes), $"Subset classes must be model outputs 0–{modelClasses - 1}.");
        }

        _member = new bool[modelClasses];
        foreach (var c in Classes)
        {
            _member[c] = true;
        }

        Mode = mode;
    }

    /// <summary>Model output indices, ascending.</summary>
    public int[] Classes { get; }

    public int ModelClasses => _member.Length;

    public ClassSubsetMode Mode { get; }

    public bool Contains(int modelClass) => (uint)modelClass < (uint)_member.Length && _member[modelClass];

    /// <summary>
    /// Reads a subset file: one class a line (first word), either a model output index or a class name looked up in
    /// <paramref name="modelClassNames"/> (the model's classes in output order, e.g. WordNet ids). Blank lines and
    /// lines starting with # are skipped. A line that names no model class is refused by line number, never quoted.
    /// </summary>
    public static ClassSubset Parse(string fileName, string text, int modelClasses, IReadOnlyList<string>? modelClassNames, ClassSubsetMode mode)
    {
        var byName = modelClassNames?.Select((name, i) => (name, i)).GroupBy(p => p.name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        var classes = new List<int>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var word = line.Split([' ', '\t', ','], 2)[0];
            if (int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                if (index >= modelClasses)
                {
                    throw new FormatException($"Line {i + 1} of the class subset '{fileName}' names output {index}, but the model has {modelClasses} outputs (0–{modelClasses - 1}). Use model output indices or class names.");
                }

                classes.Add(index);
            }
            else if (byName is not null && byName.TryGetValue(word, out var named))
            {
                classes.Add(named);
            }
            else
            {
                throw new FormatException(byName is null
                    ? $"Line {i + 1} of the class subset '{fileName}' is not a model output index, and the model's class names are unknown. Write output indices, or pass --model-classes with the model's class names."
                    : $"Line {i + 1} of the class subset '{fileName}' names no class of the model (expected a model output index or one of its class names, e.g. a WordNet id).");
            }
        }

        if (classes.Count == 0)
        {
            throw new FormatException($"The class subset '{fileName}' names no class: write one model output index or class name a line.");
        }

        return new ClassSubset(classes, modelClasses, mode);
    }
}
