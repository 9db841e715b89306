using System.Text.Json.Nodes;
using SENet.Evaluation.Metrics;

namespace SENet.Evaluation.Tests.Metrics;

public sealed class ResultsTableTests
{
    private const string Extras =
        """
        , "intervals": { "level": 0.95, "method": "wilson", "top1_accuracy": { "low": 70.1, "high": 75.9 }, "top5_accuracy": { "low": 90.2, "high": 93.3 } },
        "calibration": { "outputs": "logits", "bins": 15, "ece": 0.0312, "mce": 0.12, "nll": 1.1, "brier": 0.4 },
        "reproducibility": { "model_sha256": "abc123" }
        """;

    private static JsonObject Report(string model, double top1, double top5, bool withExtras) =>
        JsonNode.Parse(
            $"{{\"model\": \"{model}\", \"top1\": {top1.ToString(System.Globalization.CultureInfo.InvariantCulture)}, \"top5\": {top5.ToString(System.Globalization.CultureInfo.InvariantCulture)}, " +
            "\"parameter_count\": 28088024, \"image_size\": 224, \"crop_pct\": 0.875, \"interpolation\": \"bilinear\", \"images\": 1000, \"failed\": 2" +
            (withExtras ? Extras : "") + "}")!.AsObject();

    [Fact]
    public void RowsAreRankedByTop1WithTheDifferenceToTheBest()
    {
        var rows = ResultsTable.Rows([("job-b", Report("b", 70.5, 90, false)), ("job-a", Report("a", 73.25, 91, true)), ("job-c", Report("c", 60, 80, false))]);

        Assert.Equal(["job-a", "job-b", "job-c"], rows.Select(r => r["job"]));
        Assert.Equal(["1", "2", "3"], rows.Select(r => r["rank"]));
        Assert.Equal(["0", "-2.75", "-13.25"], rows.Select(r => r["top1_diff"]));
        Assert.Equal(("26.75", "28.09", "2"), (rows[0]["top1_err"], rows[0]["param_count"], rows[0]["failed"]));
    }

    [Fact]
    public void IntervalsCalibrationAndTheModelDigestAreReadWhereRecordedAndOtherwiseSaidNotRecorded()
    {
        var rows = ResultsTable.Rows([("new", Report("a", 73.25, 91, true)), ("old", Report("b", 70.5, 90, false))]);

        Assert.Equal(("70.1", "75.9", "90.2", "93.3"), (rows[0]["top1_low"], rows[0]["top1_high"], rows[0]["top5_low"], rows[0]["top5_high"]));
        Assert.Equal(("0.0312", "abc123"), (rows[0]["ece"], rows[0]["model_sha256"]));
        Assert.Null(rows[1]["ece"]);
        var markdown = ResultsTable.ToMarkdown(rows).Split('\n');
        var csv = ResultsTable.ToCsv(rows).Split('\n');

        Assert.StartsWith("| rank | job | model | top1 | top1_err | top5 | top5_err | param_count | img_size | crop_pct | interpolation |", markdown[0]);
        Assert.Contains("| not recorded |", markdown[3]);
        Assert.Equal(string.Join(',', ResultsTable.Columns), csv[0]);
        Assert.StartsWith("1,new,a,73.25,26.75,91,9,28.09,224,0.875,bilinear,0,70.1,75.9,90.2,93.3,0.0312,", csv[1]);
        Assert.EndsWith(",,,,,,1000,2", csv[2]);
    }
}
