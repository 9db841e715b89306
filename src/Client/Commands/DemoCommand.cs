using System.CommandLine;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Models;
using Spectre.Console;

namespace SENet.Client.Commands;

/// <summary>
/// <c>senet demo</c>: makes a small labelled JPEG dataset (with one truncated file, to show failure reporting) and a
/// small SE-ResNet in a folder it keeps (./senet-demo by default), and evaluates it end to end in an in-process silo.
/// </summary>
public static class DemoCommand
{
    /// <summary>What the demo writes into its folder; an earlier demo's are replaced, anything else is left alone.</summary>
    private static readonly string[] DemoEntries = ["data", "model.onnx", "out"];

    public static Command Create(CliConsole console)
    {
        var classes = EvaluationOptions.AtLeastOne(new Option<int>("--classes") { Description = "Classes of the generated dataset and model.", DefaultValueFactory = _ => 10 });
        var perClass = EvaluationOptions.AtLeastOne(new Option<int>("--images-per-class") { Description = "Images generated per class.", DefaultValueFactory = _ => 10 });
        var architecture = ModelBuildCommand.ArchitectureOption("SE-ResNet to build.", "seresnet18");
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Folder for the dataset, model and outputs, kept afterwards (relative to the working directory).",
            DefaultValueFactory = _ => new DirectoryInfo("senet-demo"),
        };
        var keep = new Option<DirectoryInfo?>("--keep") { Description = "The former name of --out.", Hidden = true };
        var device = EvaluateCommand.DeviceOption();
        var command = new Command("demo", "Generate a small labelled dataset and SE-ResNet, then evaluate them end to end in an in-process silo; the files are kept.")
        {
            classes, perClass, architecture, output, keep, device,
        };
        command.SetAction((parse, cancellationToken) => console.RunAsync(async () =>
        {
            var folder = (parse.GetValue(keep) ?? parse.GetValue(output)!).FullName;
            PrepareFolder(folder);
            var classCount = parse.GetValue(classes);
            var dataFolder = Path.Combine(folder, "data");
            console.Error.WriteLine($"demo: writing {classCount * parse.GetValue(perClass)} JPEGs (+1 truncated) to {dataFolder}");
            await SyntheticImages.WriteImageFolderAsync(dataFolder, classCount, parse.GetValue(perClass), truncatedImages: 1, cancellationToken: cancellationToken);

            var modelPath = Path.Combine(folder, "model.onnx");
            var spec = new SeResNetSpec(SeResNetArchitecture.Parse(parse.GetValue(architecture)!), Classes: classCount);
            console.Error.WriteLine($"demo: building {spec.Architecture.Name} ({classCount} classes, seeded weights) at {modelPath}");
            await File.WriteAllBytesAsync(modelPath, SeResNetBuilder.BuildBytes(spec), cancellationToken);

            var (devices, policy) = EvaluateCommand.EmbeddedDevices(parse.GetValue(device)!, 0);
            var job = new JobSpec
            {
                ModelPath = modelPath,
                DataPath = dataFolder,
                BatchSize = 16,
                ShardSize = 32,
                DevicePolicy = policy,
                OutputFolder = Path.Combine(folder, "out"),
                Name = "demo",
                // The demo regenerates its folder: a rerun replaces the last demo's outputs.
                Overwrite = true,
            };
            var report = await EvaluateCommand.RunEmbeddedAsync(console, job, devices, cancellationToken);
            console.Out.WriteLine("The model's weights are seeded, not trained: expect chance-level accuracy. Evaluate a trained export with 'senet evaluate'.");
            console.Out.MarkupLine($"kept: [bold]{Markup.Escape(folder)}[/] (data/, model.onnx, out/report.html). Remove it with: rm -rf {Markup.Escape(Quoted(folder))}");
            return EvaluateCommand.ExitCode(report, cancellationToken);
        }));
        return command;
    }

    /// <summary>
    /// An earlier demo's data, model and outputs are removed (a rerun with fewer classes must not find the last run's
    /// class folders); a folder holding anything else is refused rather than written into.
    /// </summary>
    private static void PrepareFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder);
            return;
        }

        var foreign = Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Where(name => !DemoEntries.Contains(name)).Take(3).ToList();
        if (foreign.Count > 0)
        {
            throw new IOException($"--out {folder} already holds files the demo did not write ({string.Join(", ", foreign)}). Pass --out with a new or empty folder.");
        }

        foreach (var entry in DemoEntries.Select(e => Path.Combine(folder, e)))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else if (File.Exists(entry))
            {
                File.Delete(entry);
            }
        }
    }

    private static string Quoted(string path) => path.All(c => char.IsLetterOrDigit(c) || c is '/' or '-' or '_' or '.') ? path : $"'{path.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
