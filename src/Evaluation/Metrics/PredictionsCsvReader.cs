using System.Globalization;
using System.Text;

namespace SENet.Evaluation.Metrics;

/// <summary>
/// Reads what <see cref="PredictionsCsvWriter"/> writes (RFC 4180: names may hold commas, quotes and line breaks),
/// by column name, so that columns added later (class names, say) are skipped rather than misread.
/// </summary>
public static class PredictionsCsvReader
{
    /// <param name="source">Where the text came from, for errors (e.g. "A: predictions/shard-000003.csv").</param>
    public static IEnumerable<ImagePrediction> Read(string csv, string source)
    {
        using var records = Records(csv).GetEnumerator();
        if (!records.MoveNext())
        {
            yield break;
        }

        var header = records.Current;
        int Column(string name) => header.IndexOf(name) is var i and >= 0
            ? i
            : throw new InvalidDataException($"{source} has no '{name}' column (header: {string.Join(',', header)}); expected the predictions CSV that evaluate writes ({PredictionsCsvWriter.Header}).");
        var image = Column("image");
        var label = Column("label");
        var classes = Enumerable.Range(1, TopKCounts.K).Select(k => Column($"top{k}")).ToArray();
        var probabilities = Enumerable.Range(1, TopKCounts.K).Select(k => Column($"prob{k}")).ToArray();
        var note = header.IndexOf("note");
        var line = 1;
        while (records.MoveNext())
        {
            line++;
            var row = records.Current;
            if (row.Count == 1 && row[0].Length == 0)
            {
                continue;
            }

            if (row.Count < header.Count)
            {
                throw new InvalidDataException($"{source}, record {line}: {row.Count} fields where the header has {header.Count}.");
            }

            var top = new List<int>(TopKCounts.K);
            var probs = new List<float>(TopKCounts.K);
            for (var k = 0; k < TopKCounts.K && row[classes[k]].Length > 0; k++)
            {
                top.Add(Integer(row[classes[k]], source, line, $"top{k + 1}"));
                probs.Add(float.TryParse(row[probabilities[k]], NumberStyles.Float, CultureInfo.InvariantCulture, out var p)
                    ? p
                    : throw new InvalidDataException($"{source}, record {line}: prob{k + 1} is not a number."));
            }

            yield return new ImagePrediction(row[image], Integer(row[label], source, line, "label"), top, probs)
            {
                Note = note >= 0 && row[note].Length > 0 ? row[note] : null,
            };
        }
    }

    private static int Integer(string field, string source, int line, string column) =>
        int.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidDataException($"{source}, record {line}: {column} is not a class index.");

    /// <summary>RFC 4180 records: quoted fields may hold separators, doubled quotes and line breaks.</summary>
    private static IEnumerable<List<string>> Records(string csv)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                yield return fields;
                fields = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return fields;
        }
    }
}
