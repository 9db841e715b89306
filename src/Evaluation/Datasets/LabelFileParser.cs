using System.Globalization;

namespace SENet.Evaluation.Datasets;

/// <summary>Reads the three labels formats; a malformed line is an error naming the file and line.</summary>
public static class LabelFileParser
{
    public const string KaggleHeader = "ImageId,PredictionString";

    public static LabelFormat Detect(string fileName, string text)
    {
        var firstLine = text.Split('\n', 2)[0].Trim();
        if (firstLine.StartsWith(KaggleHeader, StringComparison.OrdinalIgnoreCase))
        {
            return LabelFormat.KaggleSolution;
        }

        return fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? LabelFormat.Csv : LabelFormat.CaffeValTxt;
    }

    public static List<LabelEntry> Parse(string fileName, string text, LabelFormat format)
    {
        if (format == LabelFormat.Auto)
        {
            format = Detect(fileName, text);
        }

        var entries = new List<LabelEntry>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var lineNumber = i + 1;
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            switch (format)
            {
                case LabelFormat.CaffeValTxt:
                    entries.Add(ParseCaffe(fileName, line, lineNumber));
                    break;
                case LabelFormat.KaggleSolution:
                    if (lineNumber == 1 && line.StartsWith(KaggleHeader, StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    entries.Add(ParseKaggle(fileName, line, lineNumber));
                    break;
                default:
                    var fields = CsvLine.Split(line);
                    if (lineNumber == 1 && fields.Count == 2 && fields[1].Trim().Equals("label", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    entries.Add(ParseCsv(fileName, fields, line, lineNumber));
                    break;
            }
        }

        return entries;
    }

    /// <summary>A class list: one class a line, its first word the class id (LOC_synset_mapping.txt, synsets.txt, plain names).</summary>
    public static List<string> ParseClassList(string text) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split([' ', '\t'], 2)[0]).ToList();

    private static LabelEntry ParseCaffe(string fileName, string line, int lineNumber)
    {
        var trimmed = line.Trim();
        var split = trimmed.LastIndexOfAny([' ', '\t']);
        if (split <= 0 || !int.TryParse(trimmed.AsSpan(split + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var label))
        {
            throw Malformed(fileName, lineNumber, line, "'IMAGE LABEL' with a non-negative integer label (Caffe val.txt)");
        }

        return new LabelEntry(trimmed[..split].Trim(), label, null, lineNumber);
    }

    private static LabelEntry ParseKaggle(string fileName, string line, int lineNumber)
    {
        var fields = CsvLine.Split(line);
        var prediction = fields.Count == 2 ? fields[1].Trim().Split(' ', 2)[0] : "";
        if (fields.Count != 2 || fields[0].Trim().Length == 0 || prediction.Length == 0)
        {
            throw Malformed(fileName, lineNumber, line, "'ImageId,SYNSET x y x y …' (Kaggle LOC_val_solution.csv)");
        }

        return new LabelEntry(fields[0].Trim() + ".JPEG", null, prediction, lineNumber);
    }

    private static LabelEntry ParseCsv(string fileName, List<string> fields, string line, int lineNumber)
    {
        if (fields.Count != 2 || fields[0].Length == 0 || fields[1].Trim().Length == 0)
        {
            throw Malformed(fileName, lineNumber, line, "'path,label' (label an integer or a class name)");
        }

        var label = fields[1].Trim();
        return int.TryParse(label, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? new LabelEntry(fields[0], index, null, lineNumber)
            : new LabelEntry(fields[0], null, label, lineNumber);
    }

    private static DatasetException Malformed(string fileName, int lineNumber, string line, string expected)
    {
        var shown = line.Length > 120 ? line[..120] + "…" : line;
        return new DatasetException($"Labels file '{fileName}' line {lineNumber}: expected {expected}, found '{shown}'. Fix or remove that line.");
    }
}
