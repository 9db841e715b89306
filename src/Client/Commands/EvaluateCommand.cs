using System.CommandLine;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;
using Spectre.Console;

namespace SENet.Client.Commands;

/// <summary><c>senet evaluate --data DIR [--labels FILE] --model M</c>: real images end to end, with progress and a report.</summary>
public static class EvaluateCommand
{
    public static Command Create(CliConsole console)
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Dataset folder: ImageFolder (a sub-folder per class) or flat with --labels.", Required = true };
        var model = new Option<FileInfo>("--model") { Description = "ONNX classifier: input [N,3,H,W], output [N,C].", Required = true };
        var options = new EvaluationOptions();
        var command = new Command("evaluate", "Evaluate a model on a labelled image dataset: exact top-1 / top-5 error, per-class accuracy, predictions.") { data, model };
        options.AddTo(command);
        command.SetAction((parse, cancellationToken) => console.RunAsync(async () =>
        {
            var request = options.ToRequest(parse, parse.GetValue(model)!.FullName, new LocalFolderSource(parse.GetValue(data)!.FullName));
            var report = await RunAsync(console, request, parse.GetValue(options.Output), cancellationToken);
            return report.State == "completed" ? 0 : 1;
        }));
        return command;
    }

    /// <summary>Runs one evaluation with live progress, prints the report and writes the output files.</summary>
    public static async Task<EvaluationReport> RunAsync(CliConsole console, EvaluationRequest request, DirectoryInfo? output, CancellationToken cancellationToken)
    {
        PredictionsCsvWriter? predictions = null;
        if (output is not null)
        {
            output.Create();
            predictions = new PredictionsCsvWriter(new StreamWriter(Path.Combine(output.FullName, "predictions.csv")));
        }

        EvaluationReport report;
        using (predictions)
        {
            void Log(string line) => console.Error.WriteLine(line);
            if (console.Out.Profile.Capabilities.Interactive)
            {
                report = await console.Out.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .StartAsync(async context =>
                    {
                        var task = context.AddTask("evaluating", maxValue: 1);
                        var progress = new Progress<EvaluationProgress>(p =>
                        {
                            task.MaxValue = Math.Max(1, p.Total);
                            task.Value = p.Done;
                            task.Description = $"{p.Done}/{p.Total} images, {p.ImagesPerSecond:F1}/s, ETA {ProgressReporter.Format(p.Eta)}";
                        });
                        return (await LocalEvaluator.RunAsync(request, predictions is null ? null : predictions.Write, progress, Log, cancellationToken)).Report;
                    });
            }
            else
            {
                report = (await LocalEvaluator.RunAsync(request, predictions is null ? null : predictions.Write, new ProgressReporter(console.Error), Log, cancellationToken)).Report;
            }
        }

        ReportPrinter.Print(console, report);
        if (output is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(output.FullName, "report.json"), ReportWriter.ToJson(report), cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(output.FullName, "results.csv"), ReportWriter.ToResultsCsv(report), cancellationToken);
            console.Out.MarkupLine($"written: [bold]{Markup.Escape(output.FullName)}[/] (report.json, results.csv, predictions.csv)");
        }

        return report;
    }
}
