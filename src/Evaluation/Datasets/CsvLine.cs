using System.Text;

namespace SENet.Evaluation.Datasets;

/// <summary>Splits one RFC 4180 line (quoted fields may hold commas and doubled quotes).</summary>
public static class CsvLine
{
    /// <summary>Where field <paramref name="field"/> (0-based) starts: the index just after the comma before it, or the line's length if it has fewer fields.</summary>
    public static int FieldStart(string line, int field)
    {
        var quoted = false;
        var seen = 0;
        for (var i = 0; i < line.Length && seen < field; i++)
        {
            if (line[i] == '"')
            {
                quoted = !quoted;
            }
            else if (line[i] == ',' && !quoted && ++seen == field)
            {
                return i + 1;
            }
        }

        return field == 0 ? 0 : line.Length;
    }

    public static List<string> Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
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
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }
}
