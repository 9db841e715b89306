using System.Text;
using System.Text.Json.Nodes;
using Azure;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Comparison;

/// <summary>
/// A finished evaluation as its outputs hold it: the per-image predictions and, when present, report.json (read as
/// JSON, so that figures added to reports later are read where they exist and absent where they do not).
/// </summary>
public sealed record EvaluatedJob(string Display, JsonObject? Report, IReadOnlyList<ImagePrediction> Predictions)
{
    public const string JoinedPredictions = "predictions.csv";

    /// <summary>
    /// Reads a job's output folder: every shard's predictions part (shards are found from the manifest, so local folders and
    /// blob prefixes read alike; a shard a cancelled job never ran has no part), or else one joined predictions.csv (what
    /// <c>senet results JOB --out DIR</c> writes).
    /// </summary>
    public static async Task<EvaluatedJob> LoadAsync(IOutputStore store, CancellationToken cancellationToken)
    {
        var report = await TryReadAsync(store, "report.json", cancellationToken) is { } json ? JsonNode.Parse(json) as JsonObject : null;
        var predictions = new List<ImagePrediction>();
        var shard = 0;
        for (; await TryReadAsync(store, ShardManifest.Name(shard), cancellationToken) is not null; shard++)
        {
            var part = JobOutputNames.PredictionsPart(shard);
            if (await TryReadAsync(store, part, cancellationToken) is { } bytes)
            {
                predictions.AddRange(PredictionsCsvReader.Read(Encoding.UTF8.GetString(bytes), $"{store.Display}: {part}"));
            }
        }

        if (shard == 0)
        {
            var joined = await TryReadAsync(store, JoinedPredictions, cancellationToken)
                ?? throw new FileNotFoundException($"No predictions under {store.Display}: expected a job's output folder (manifest/ and predictions/shard-*.csv) or a folder holding {JoinedPredictions} ('senet results JOB --out DIR' writes one).");
            predictions.AddRange(PredictionsCsvReader.Read(Encoding.UTF8.GetString(joined), $"{store.Display}: {JoinedPredictions}"));
        }

        return new EvaluatedJob(store.Display, report, predictions);
    }

    private static async Task<byte[]?> TryReadAsync(IOutputStore store, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ReadAsync(name, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or RequestFailedException { Status: 404 })
        {
            return null;
        }
    }

    /// <summary>The report's name for a class; empty where the report names none (or only repeats the index).</summary>
    public string ClassName(int index) =>
        Report?["per_class"] is JsonArray classes && index >= 0 && index < classes.Count && classes[index]?["name"]?.GetValue<string>() is { } name
            && name != index.ToString(System.Globalization.CultureInfo.InvariantCulture)
            ? name
            : "";

    public string Model => Report?["model"]?.GetValue<string>() ?? Display;
}
