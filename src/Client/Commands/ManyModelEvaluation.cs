using System.CommandLine;
using System.Globalization;
using System.Text;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;
using SENet.Grains.Jobs;
using Spectre.Console;

namespace SENet.Client.Commands;

/// <summary>
/// <c>senet evaluate</c> with several <c>--model</c> or <c>--view</c>: one pass of the engine in this process (each image
/// read and decoded once, each distinct preprocessing once), every model × view counted and reported on its own.
/// Outputs: <c>OUT/&lt;model&gt;/</c> per model with one view, <c>OUT/&lt;model&gt;/&lt;view&gt;/</c> with several, each
/// holding report.json, results.csv, report.html and predictions.csv; and <c>OUT/results.csv</c> with a row per model × view.
/// </summary>
public static class ManyModelEvaluation
{
    /// <summary>The configured GPU memory limit, as a silo reads it (<c>SENet:Devices:Cuda:MemoryLimitMb</c>).</summary>
    public const string MemoryLimitVariable = "SENet__Devices__Cuda__MemoryLimitMb";

    public static async Task<int> RunAsync(CliConsole console, ParseResult parse, EvaluationOptions options, IReadOnlyList<(string? Name, string Path)> models,
        IReadOnlyList<ViewSpec> views, string data, string device, int threads, CancellationToken cancellationToken)
    {
        if (Evaluation.Storage.StorageLocation.LooksLikeBlob(data) || models.Any(m => Evaluation.Storage.StorageLocation.LooksLikeBlob(m.Path)))
        {
            throw new ArgumentException("Several models or views run in one pass on local files: pass a local --data folder and local model files (a blob dataset runs one model a job).");
        }

        var outText = parse.GetValue(options.Output)
            ?? throw new ArgumentException("Several models or views write a folder each: pass --out DIR (OUT/<model>/ per model, OUT/<model>/<view>/ with several views, OUT/results.csv for all).");
        if (Evaluation.Storage.StorageLocation.LooksLikeBlob(outText))
        {
            throw new ArgumentException($"--out {Evaluation.Storage.StorageLocation.Redact(outText)}: several models or views write to a local folder; pass a local --out.");
        }

        var output = Path.GetFullPath(outText);
        if (File.Exists(Path.Combine(output, "results.csv")) && !parse.GetValue(options.Overwrite))
        {
            throw new IOException($"--out {output} already holds results.csv of an earlier evaluation: pass --overwrite to replace it, or another --out.");
        }

        var memoryLimit = MemoryLimitMb();
        var spec = options.ToJobSpec(parse, models[0].Path, data, DevicePolicy.Auto, view: ViewSpec.Center);
        var inference = InferenceDevice.Parse(device);
        var gpu = inference.Kind == DeviceKind.Cuda;
        var preprocess = spec.ToPreprocessSpec(224);
        var requests = models.Select(m => new EvaluationRequest(
            Path.GetFullPath(m.Path),
            new LocalFolderSource(data),
            spec.ToDatasetSpec(),
            new ClassifierSessionOptions(inference, spec.BatchSize, IntraOpThreads: threads, Streams: gpu ? 2 : 1),
            new PipelineOptions(MaxPixels: spec.MaxPixels, MaxFileBytes: spec.CheckedMaxFileBytes(), Outputs: spec.Outputs),
            spec.CropPct,
            preprocess.Interpolation,
            preprocess.Normalization,
            spec.FastDecode,
            ModelName: m.Name,
            ConfidenceLevel: spec.EffectiveConfidenceLevel())).ToList();

        var result = await LocalEvaluator.RunManyAsync(requests, views, memoryLimit, null, line => console.Error.WriteLine(line), cancellationToken);
        var rows = new StringBuilder(ReportWriter.ResultsCsvHeader + ",view\n");
        foreach (var outcome in result.Evaluations)
        {
            var folder = Folder(output, outcome.Model, outcome.View, views.Count);
            Directory.CreateDirectory(folder);
            var report = outcome.Report with { State = cancellationToken.IsCancellationRequested ? "cancelled" : "completed", ImagesTotal = result.Plan.Images.Count + result.Plan.UnscorableImages };
            await File.WriteAllTextAsync(Path.Combine(folder, "report.json"), ReportWriter.ToJson(report), cancellationToken);
            var csv = ReportWriter.ToResultsCsv(report);
            await File.WriteAllTextAsync(Path.Combine(folder, "results.csv"), csv, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(folder, "report.html"), HtmlReportWriter.Write(report, $"SENet Eval: {outcome.Model}, view {outcome.View}"), cancellationToken);
            using (var writer = new PredictionsCsvWriter(new StreamWriter(Path.Combine(folder, "predictions.csv")), result.Plan.ClassNames))
            {
                writer.WriteSorted(outcome.Predictions);
            }

            rows.Append(csv.Split('\n')[1]).Append(',').Append(outcome.View.ToString()).Append('\n');
        }

        await File.WriteAllTextAsync(Path.Combine(output, "results.csv"), rows.ToString(), cancellationToken);
        Print(console, result, views.Count);
        console.Out.MarkupLine($"written: [bold]{Markup.Escape(output)}[/] (results.csv; per model{(views.Count > 1 ? " and view" : "")}: report.json, results.csv, report.html, predictions.csv)");
        return cancellationToken.IsCancellationRequested ? ExitCodes.Cancelled : ExitCodes.Success;
    }

    /// <summary>OUT/&lt;model&gt; with one view; OUT/&lt;model&gt;/&lt;view&gt; with several, the view as it is written with its '/' as '+' (224@0.875+tencrop).</summary>
    public static string Folder(string output, string model, ViewSpec view, int viewCount) =>
        viewCount > 1 ? Path.Combine(output, model, view.ToString().Replace('/', '+')) : Path.Combine(output, model);

    /// <summary><see cref="MemoryLimitVariable"/>, 0 (no limit) when unset; a value that is not a whole number of MiB is refused naming it.</summary>
    public static long MemoryLimitMb()
    {
        var text = Environment.GetEnvironmentVariable(MemoryLimitVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            ? limit
            : throw new ArgumentException($"{MemoryLimitVariable}={text} cannot work: use 0 (no limit) or a whole number of MiB.");
    }

    private static void Print(CliConsole console, ManyEvaluationResult result, int viewCount)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{result.Evaluations.Count} evaluations, one pass[/]")
            .AddColumns("model", "view", "top-1 %", "top-5 %", "images", "failed");
        foreach (var outcome in result.Evaluations)
        {
            var report = outcome.Report;
            table.AddRow(Markup.Escape(outcome.Model), Markup.Escape(outcome.View.ToString()), report.Top1.ToString("F3", CultureInfo.InvariantCulture),
                report.Top5.ToString("F3", CultureInfo.InvariantCulture), report.Images.ToString(CultureInfo.InvariantCulture), report.Failed.ToString(CultureInfo.InvariantCulture));
        }

        console.Out.Write(table);
        console.Error.WriteLine($"pass: {result.Pass.Reads} images read, {result.Pass.Decodes} decoded (one decode each; a failed decode counts none), {result.Pass.Preprocessings} preprocessings " +
                                $"for {result.Evaluations.Count} evaluations ({viewCount} view(s)) in {result.Pass.Duration.TotalSeconds:F1} s; {result.SessionsPerDevice} session(s) on the device");
    }
}
