using System.CommandLine;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Reproducibility;
using SENet.Evaluation.Storage;
using Spectre.Console;

namespace SENet.Client.Commands;

/// <summary>
/// <c>senet rerun REPORT</c>: runs a job again from its report's reproducibility record (in an in-process silo, as
/// <c>evaluate</c> does) and says whether every count is identical, and what changed in between.
/// </summary>
public static class RerunCommand
{
    public static Command Create(CliConsole console)
    {
        var report = new Argument<string>("report") { Description = "A report.json, or the output folder (local or blob) that holds one." };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };
        var threads = EvaluationOptions.Checked(new Option<int>("--threads") { Description = "ONNX Runtime threads on the CPU (0: every core).", DefaultValueFactory = _ => 0 },
            v => v >= 0, "0 (every core) or a whole number of threads");
        var output = new Option<string?>("--out") { Description = "Folder or blob prefix for the rerun's outputs (default: a temporary folder)." };
        var command = new Command("rerun", "Run a job again from its report's reproducibility record and say whether the counts are identical.") { report, device, threads, output };
        command.SetAction((parse, cancellationToken) => console.RunAsync(async () =>
        {
            var original = await ReadReportAsync(parse.GetValue(report)!, cancellationToken);
            var record = original.Reproducibility
                ?? throw new InvalidDataException("This report has no reproducibility record (it was written before reports carried one): there is nothing to rerun from. Run 'senet evaluate' with its options instead.");
            var spec = ToJobSpec(record, parse.GetValue(output) is { } folder ? EvaluationOptions.Location(folder) : null);
            await console.Error.WriteLineAsync($"rerun: {record.ModelLocation} on {record.DatasetLocation} ({record.Preprocessing.Crop}px, crop_pct {record.Preprocessing.CropPct}, {record.Preprocessing.Interpolation}, batch {spec.BatchSize})");
            var (devices, _) = EvaluateCommand.EmbeddedDevices(parse.GetValue(device)!, parse.GetValue(threads));
            var rerun = await EvaluateCommand.RunEmbeddedAsync(console, spec, devices, cancellationToken);
            var outcome = RerunCheck.Compare(original, rerun);
            foreach (var change in outcome.Changes)
            {
                console.Out.MarkupLine($"[yellow]changed:[/] {Markup.Escape(change)}");
            }

            if (outcome.Identical)
            {
                console.Out.MarkupLine($"[green]identical:[/] every count matches the report ({rerun.Images:N0} scored, {rerun.Failed:N0} failed, {rerun.Top1Correct:N0} top-1 and {rerun.Top5Correct:N0} top-5 correct, per class too).");
                return EvaluateCommand.ExitCode(rerun, cancellationToken);
            }

            foreach (var difference in outcome.Differences)
            {
                console.Out.MarkupLine($"[red]different:[/] {Markup.Escape(difference)}");
            }

            await console.Error.WriteLineAsync($"error: the rerun's counts differ from the report's in {outcome.Differences.Count} way(s); see above.");
            return ExitCodes.Failure;
        }));
        return command;
    }

    /// <summary>The job the record describes; locations are the recorded ones (credentials come from this client's environment).</summary>
    public static JobSpec ToJobSpec(ReproducibilityRecord record, string? outputFolder) => new()
    {
        ModelPath = record.ModelLocation,
        DataPath = record.DatasetLocation,
        LabelsFile = record.LabelsFile,
        LabelFormat = Recorded(JobSpecRules.LabelFormats, record.LabelFormat),
        ClassListFile = record.ClassListFile,
        ModelClassesFile = record.ModelClassesFile,
        OnMissing = Recorded(JobSpecRules.MissingPolicies, record.OnMissing),
        CropPct = record.Preprocessing.CropPct,
        Interpolation = Recorded(JobSpecRules.Interpolations, record.Preprocessing.Interpolation),
        Normalization = record.Preprocessing.ChannelOrder == "BGR" ? Normalization.Caffe : Normalization.ImageNet,
        FastDecode = record.Preprocessing.FastDecode,
        BatchSize = record.RequestedBatchSize > 0 ? record.RequestedBatchSize : record.BatchSize,
        ShardSize = record.ShardSize > 0 ? record.ShardSize : 256,
        MaxPixels = record.MaxPixels > 0 ? record.MaxPixels : 178_956_970,
        MaxFileBytes = record.MaxFileBytes > 0 ? record.MaxFileBytes : 268_435_456,
        DevicePolicy = Recorded(JobSpecRules.DevicePolicies, record.DevicePolicy),
        OutputFolder = outputFolder,
        Name = "rerun",
    };

    /// <summary>A setting as the record names it; a name this version does not know is refused, naming the setting and the names it knows.</summary>
    private static T Recorded<T>(OptionChoices<T> choices, string name)
        where T : struct, Enum =>
        choices.TryParse(name, out var value)
            ? value
            : throw new InvalidDataException($"The report's reproducibility record gives {choices.Option[2..]} '{name}', which this version does not know: it knows {string.Join(", ", choices.Names)}.");

    private static async Task<EvaluationReport> ReadReportAsync(string location, CancellationToken cancellationToken)
    {
        if (!StorageLocation.LooksLikeBlob(location) && File.Exists(location))
        {
            return ReportWriter.FromJson(await File.ReadAllTextAsync(location, cancellationToken));
        }

        var folder = StorageLocation.LooksLikeBlob(location) || Directory.Exists(location)
            ? OutputStores.Open(StorageLocation.LooksLikeBlob(location) ? location : Path.GetFullPath(location), Cluster.CliStorage.FromEnvironment())
            : throw new FileNotFoundException($"'{location}' is neither a report.json nor a folder holding one. Pass the report a job wrote (OUT/report.json).");
        return ReportWriter.FromJson(System.Text.Encoding.UTF8.GetString(await folder.ReadAsync("report.json", cancellationToken)));
    }
}
