using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SENet.Evaluation.Metrics;

/// <summary>Writes reports as JSON and as a results row in the columns of timm's validate.py.</summary>
public static class ReportWriter
{
    /// <summary>
    /// timm's columns, then how complete the run is: a cancelled or failed job's row must not pass for a whole run
    /// (state is completed, cancelled or failed; images_evaluated counts scored and failed images).
    /// </summary>
    public const string ResultsCsvHeader = "model,top1,top1_err,top5,top5_err,param_count,img_size,crop_pct,interpolation,state,images_evaluated,images_total";

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // A report is always written, whatever its figures: a figure that is not a finite number is written as the
        // string "NaN", "Infinity" or "-Infinity" (JSON has no such numbers) and read back as that value.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string ToJson(EvaluationReport report) => JsonSerializer.Serialize(report, JsonOptions);

    public static EvaluationReport FromJson(string json) =>
        JsonSerializer.Deserialize<EvaluationReport>(json, JsonOptions) ?? throw new InvalidDataException("The report JSON is empty.");

    /// <summary>The header and one row, as timm rounds them: accuracies to 4 decimals, parameters in millions to 2.</summary>
    public static string ToResultsCsv(EvaluationReport report)
    {
        var row = string.Join(',',
            Csv.Escape(report.Model),
            Round(report.Top1, 4),
            Round(100 - report.Top1, 4),
            Round(report.Top5, 4),
            Round(100 - report.Top5, 4),
            Round(report.ParameterCount / 1e6, 2),
            report.ImageSize.ToString(CultureInfo.InvariantCulture),
            Round(report.CropPct, 4),
            report.Interpolation,
            report.State,
            report.ImagesEvaluated.ToString(CultureInfo.InvariantCulture),
            report.ImagesPlanned.ToString(CultureInfo.InvariantCulture));
        return $"{ResultsCsvHeader}\n{row}\n";
    }

    private static string Round(double value, int digits) => Math.Round(value, digits).ToString(CultureInfo.InvariantCulture);
}
