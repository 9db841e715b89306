using System.Text;
using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Metrics;

/// <summary>
/// Joins a job's per-shard prediction parts into one predictions.csv: one header, every row once, sorted by image id
/// (ordinal), whatever order the shards ran in. Rows are CSV records (a quoted note may hold a line break), moved
/// verbatim. The joined file is built in memory, about 150 bytes an image (7.5 MB for ImageNet's 50,000).
/// </summary>
public static class PredictionsJoiner
{
    /// <summary>Reads the parts of shards 0 to <paramref name="shards"/> − 1; a shard without a part (a cancelled or failed job's) is left out.</summary>
    public static async Task<JoinedPredictions> JoinAsync(IOutputStore outputs, int shards, CancellationToken cancellationToken)
    {
        var rows = new List<(string Image, string Record)>();
        var parts = 0;
        string? header = null;
        for (var shard = 0; shard < shards; shard++)
        {
            string part;
            try
            {
                part = Encoding.UTF8.GetString(await outputs.ReadAsync(JobOutputNames.PredictionsPart(shard), cancellationToken));
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or Azure.RequestFailedException { Status: 404 })
            {
                continue;
            }

            var records = Records(part).ToList();
            if (records.Count == 0)
            {
                continue;
            }

            parts++;
            header ??= records[0];
            rows.AddRange(records.Skip(1).Select(r => (FirstField(r), r)));
        }

        // Stable, so rows of one image (never expected) would keep shard order.
        var sorted = rows.OrderBy(r => r.Image, StringComparer.Ordinal);
        var csv = new StringBuilder((header?.Length ?? 0) + 1 + rows.Sum(r => r.Record.Length + 1));
        csv.Append(header ?? PredictionsCsvWriter.Header).Append('\n');
        foreach (var (_, record) in sorted)
        {
            csv.Append(record).Append('\n');
        }

        return new JoinedPredictions(Encoding.UTF8.GetBytes(csv.ToString()), rows.Count, parts);
    }

    /// <summary>Splits CSV text into records at line breaks outside quotes (RFC 4180), without the line breaks.</summary>
    public static IEnumerable<string> Records(string text)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == '\n' && !quoted)
            {
                if (i > start)
                {
                    yield return text[start..i].TrimEnd('\r');
                }

                start = i + 1;
            }
        }

        if (start < text.Length && text[start..].TrimEnd('\r') is { Length: > 0 } last)
        {
            yield return last;
        }
    }

    /// <summary>The first field of a CSV record, unquoted.</summary>
    public static string FirstField(string record)
    {
        if (!record.StartsWith('"'))
        {
            var comma = record.IndexOf(',');
            return comma < 0 ? record : record[..comma];
        }

        var field = new StringBuilder();
        for (var i = 1; i < record.Length; i++)
        {
            if (record[i] == '"')
            {
                if (i + 1 < record.Length && record[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                    continue;
                }

                break;
            }

            field.Append(record[i]);
        }

        return field.ToString();
    }
}
