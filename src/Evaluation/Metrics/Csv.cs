namespace SENet.Evaluation.Metrics;

/// <summary>RFC 4180 quoting for fields that hold commas, quotes or line breaks (image names can).</summary>
public static class Csv
{
    public static string Escape(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : $"\"{field.Replace("\"", "\"\"")}\"";
}
