using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SENet.Evaluation.Metrics;

/// <summary>Writes reports as JSON and as a results row in the columns of timm's validate.py.</summary>
public static class ReportWriter
{
    /// <summary>
    /// timm's columns, the Wilson intervals, then how complete the run is: a cancelled or failed job's row must not pass
    /// for a whole run (state is completed, cancelled or failed; images_evaluated counts scored and failed images).
    /// </summary>
    public const string ResultsCsvHeader = TimmColumns + "," + IntervalColumns + "," + RealColumns + "," + CompletenessColumns;

    /// <summary>timm's validate.py results columns, first and unchanged, so its tools read the file.</summary>
    public const string TimmColumns = "model,top1,top1_err,top5,top5_err,param_count,img_size,crop_pct,interpolation";

    /// <summary>The Wilson intervals after timm's columns: bounds in percent, and the confidence level.</summary>
    public const string IntervalColumns = "top1_low,top1_high,top1_err_low,top1_err_high,top5_low,top5_high,top5_err_low,top5_err_high,ci_level";

    /// <summary>
    /// ImageNet-ReaL's top-1 / top-5 (--real-labels), in every results.csv and empty without label sets, so that files of
    /// any runs share one header and concatenate. top1/top5 stay the original labels' figures (timm's validate.py
    /// --real-labels writes ReaL's into top1/top5 instead).
    /// </summary>
    public const string RealColumns = "real_top1,real_top5";

    /// <summary>Last: the job's state and how many of its images were evaluated.</summary>
    public const string CompletenessColumns = "state,images_evaluated,images_total";

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
            report.Interpolation);
        var completeness = string.Join(',', report.State, report.ImagesEvaluated.ToString(CultureInfo.InvariantCulture), report.ImagesPlanned.ToString(CultureInfo.InvariantCulture));
        var real = report.Labels?.Real is { Images: > 0 } sets ? $"{Round(sets.Top1, 4)},{Round(sets.Top5, 4)}" : ",";
        return $"{ResultsCsvHeader}\n{row},{IntervalCells(report)},{real},{completeness}\n";
    }

    /// <summary>The cells under <see cref="IntervalColumns"/>, rounded as timm rounds accuracies (4 decimals).</summary>
    public static string IntervalCells(EvaluationReport report)
    {
        var intervals = report.Intervals ?? ReportIntervals.From(report.Images, report.Top1Correct, report.Top5Correct, WilsonInterval.DefaultLevel);
        return string.Join(',',
            Round(intervals.Top1Accuracy.Low, 4), Round(intervals.Top1Accuracy.High, 4),
            Round(intervals.Top1Error.Low, 4), Round(intervals.Top1Error.High, 4),
            Round(intervals.Top5Accuracy.Low, 4), Round(intervals.Top5Accuracy.High, 4),
            Round(intervals.Top5Error.Low, 4), Round(intervals.Top5Error.High, 4),
            intervals.Level.ToString(CultureInfo.InvariantCulture));
    }

    private static string Round(double value, int digits) => Math.Round(value, digits).ToString(CultureInfo.InvariantCulture);
}
