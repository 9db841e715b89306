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
    public static List<string> ParseClassList(string text) => ParseClassListLines(text).Select(c => c.Name).ToList();

    /// <summary>A class list with the line each class is on, so that a message can point at a line instead of quoting it.</summary>
    public static List<(string Name, int Line)> ParseClassListLines(string text) =>
        text.Split('\n').Select((l, i) => (Text: l.Trim(), Line: i + 1)).Where(l => l.Text.Length > 0 && !l.Text.StartsWith('#'))
            .Select(l => (l.Text.Split([' ', '\t'], 2)[0], l.Line)).ToList();

    private static LabelEntry ParseCaffe(string fileName, string line, int lineNumber)
    {
        const string Expected = "'IMAGE LABEL' with a non-negative integer label (Caffe val.txt)";
        var indent = line.Length - line.TrimStart().Length;
        var trimmed = line.Trim();
        var split = trimmed.LastIndexOfAny([' ', '\t']);
        if (split <= 0)
        {
            return Malformed(fileName, lineNumber, indent + 1, "no space or tab separates an image from a label", Expected);
        }

        if (!int.TryParse(trimmed.AsSpan(split + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var label))
        {
            return Malformed(fileName, lineNumber, indent + split + 2, "the label is not a non-negative integer", Expected);
        }

        return new LabelEntry(trimmed[..split].Trim(), label, null, lineNumber);
    }

    private static LabelEntry ParseKaggle(string fileName, string line, int lineNumber)
    {
        const string Expected = "'ImageId,SYNSET x y x y …' (Kaggle LOC_val_solution.csv)";
        var fields = CsvLine.Split(line);
        CheckTwoFields(fileName, line, lineNumber, fields, "an image id", Expected);
        var prediction = fields[1].Trim().Split(' ', 2)[0];
        if (fields[0].Trim().Length == 0)
        {
            return Malformed(fileName, lineNumber, 1, "the image id is empty", Expected);
        }

        if (prediction.Length == 0)
        {
            return Malformed(fileName, lineNumber, CsvLine.FieldStart(line, 1) + 1, "the prediction names no synset", Expected);
        }

        return new LabelEntry(fields[0].Trim() + ".JPEG", null, prediction, lineNumber);
    }

    private static LabelEntry ParseCsv(string fileName, List<string> fields, string line, int lineNumber)
    {
        const string Expected = "'path,label' (label an integer or a class name)";
        CheckTwoFields(fileName, line, lineNumber, fields, "a path", Expected);
        if (fields[0].Length == 0)
        {
            return Malformed(fileName, lineNumber, 1, "the path is empty", Expected);
        }

        if (fields[1].Trim().Length == 0)
        {
            return Malformed(fileName, lineNumber, CsvLine.FieldStart(line, 1) + 1, "the label is empty", Expected);
        }

        var label = fields[1].Trim();
        return int.TryParse(label, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? new LabelEntry(fields[0], index, null, lineNumber)
            : new LabelEntry(fields[0], null, label, lineNumber);
    }

    private static void CheckTwoFields(string fileName, string line, int lineNumber, List<string> fields, string first, string expected)
    {
        if (fields.Count < 2)
        {
            Malformed(fileName, lineNumber, line.Length + 1, $"no comma (outside quotes) separates {first} from a label", expected);
        }
        else if (fields.Count > 2)
        {
            Malformed(fileName, lineNumber, CsvLine.FieldStart(line, 2), "a second comma outside quotes", expected);
        }
    }

    /// <summary>
    /// Refuses a line by its position and the form expected, never by quoting it: the file may be one the submitter
    /// cannot read themselves (a silo's /etc/passwd or settings), and the error goes back to them.
    /// </summary>
    private static LabelEntry Malformed(string fileName, int lineNumber, int column, string problem, string expected) =>
        throw new DatasetException($"Labels file '{fileName}' line {lineNumber}, column {column}: {problem}; expected {expected}. Fix or remove that line.");
}
