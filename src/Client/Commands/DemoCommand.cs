using System.CommandLine;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Models;
using Spectre.Console;

namespace SENet.Client.Commands;

/// <summary>
/// <c>senet demo</c>: makes a small labelled JPEG dataset (with one truncated file, to show failure reporting) and a
/// small SE-ResNet in a temporary folder, and evaluates it end to end in an in-process silo.
/// </summary>
public static class DemoCommand
{
    public static Command Create(CliConsole console)
    {
        var classes = new Option<int>("--classes") { Description = "Classes of the generated dataset and model.", DefaultValueFactory = _ => 10 };
        var perClass = new Option<int>("--images-per-class") { Description = "Images generated per class.", DefaultValueFactory = _ => 10 };
        var architecture = new Option<string>("--architecture") { Description = "SE-ResNet to build.", DefaultValueFactory = _ => "seresnet18" };
        var keep = new Option<DirectoryInfo?>("--keep") { Description = "Keep the dataset, model and outputs in this folder instead of a temporary one." };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };
        var command = new Command("demo", "Generate a small labelled dataset and SE-ResNet, then evaluate them end to end in an in-process silo.") { classes, perClass, architecture, keep, device };
        command.SetAction((parse, cancellationToken) => console.RunAsync(async () =>
        {
            var keepFolder = parse.GetValue(keep);
            var folder = keepFolder?.FullName ?? Directory.CreateTempSubdirectory("senet-demo-").FullName;
            try
            {
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
                    // The demo regenerates its folder: a rerun with the same --keep replaces the last demo's outputs.
                    Overwrite = true,
                };
                var report = await EvaluateCommand.RunEmbeddedAsync(console, job, devices, cancellationToken);
                console.Out.WriteLine("The model's weights are seeded, not trained: expect chance-level accuracy. Evaluate a trained export with 'senet evaluate'.");
                return EvaluateCommand.ExitCode(report, cancellationToken);
            }
            finally
            {
                if (keepFolder is null)
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }));
        return command;
    }
}
