using System.CommandLine;
using SENet.Evaluation.Models;

namespace SENet.Client.Commands;

/// <summary><c>senet model build ARCH --layout timm|caffe --classes N [--fp16] --out FILE</c>.</summary>
public static class ModelBuildCommand
{
    public static Command Create(CliConsole console)
    {
        var architecture = new Argument<string>("architecture")
        {
            Description = $"One of: {string.Join(", ", SeResNetArchitecture.All.Select(a => a.Name))}.",
        };
        architecture.Validators.Add(result =>
        {
            var name = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (!IsArchitecture(name))
            {
                result.AddError($"architecture '{name}' is unknown: use one of {ArchitectureNames}.");
            }
        });
        var layout = new Option<string>("--layout")
        {
            Description = "timm (stride on the 3×3, padded max pool) or caffe (stride on the first 1×1, ceil-mode max pool: the paper's release).",
            DefaultValueFactory = _ => "timm",
        };
        EvaluationOptions.OneOf(layout, "timm", "caffe");
        var classes = EvaluationOptions.AtLeastOne(new Option<int>("--classes") { Description = "Number of output classes.", DefaultValueFactory = _ => 1000 });
        var reduction = EvaluationOptions.Checked(new Option<int>("--reduction") { Description = "SE reduction ratio r; 0 builds the plain ResNet.", DefaultValueFactory = _ => 16 },
            v => v >= 0, "0 (no SE blocks, the plain ResNet) or a whole number of at least 1");
        var inputSize = EvaluationOptions.Checked(new Option<int>("--input-size") { Description = "Input height and width.", DefaultValueFactory = _ => 224 },
            v => v >= 32, "a whole number of at least 32 (the network downsamples by 32)");
        var seed = new Option<ulong>("--seed") { Description = "Seed of the deterministic weights.", DefaultValueFactory = _ => 1UL };
        var fp16 = new Option<bool>("--fp16") { Description = "Float16 weights and arithmetic behind a float32 input and output (the same seeded weights, rounded)." };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the .onnx file.", Required = true };

        var command = new Command("build", "Build a paper-exact SE-ResNet ONNX classifier with seeded (untrained) weights.")
        {
            architecture, layout, classes, reduction, inputSize, seed, fp16, output,
        };
        command.SetAction((parse, cancellationToken) => console.RunAsync(async () =>
        {
            var spec = new SeResNetSpec(
                SeResNetArchitecture.Parse(parse.GetValue(architecture)!),
                Enum.Parse<SeResNetLayout>(parse.GetValue(layout)!, ignoreCase: true),
                parse.GetValue(reduction),
                parse.GetValue(classes),
                parse.GetValue(inputSize),
                parse.GetValue(seed),
                parse.GetValue(fp16));
            var file = parse.GetValue(output)!;
            var bytes = SeResNetBuilder.BuildBytes(spec);
            file.Directory?.Create();
            await File.WriteAllBytesAsync(file.FullName, bytes, cancellationToken);
            ModelInfoCommand.Render(console, file.FullName, ModelInspector.Inspect(bytes), bytes.LongLength);
            return 0;
        }));
        return command;
    }

    /// <summary>An <c>--architecture</c> option, checked while parsing against the builder's architectures.</summary>
    public static Option<string> ArchitectureOption(string description, string fallback)
    {
        var option = new Option<string>("--architecture") { Description = $"{description} One of: {ArchitectureNames}.", DefaultValueFactory = _ => fallback };
        option.Validators.Add(result =>
        {
            var name = result.GetValueOrDefault<string>();
            if (!IsArchitecture(name))
            {
                result.AddError($"--architecture {name} cannot work: it must be one of {ArchitectureNames}.");
            }
        });
        return option;
    }

    private static string ArchitectureNames => string.Join(", ", SeResNetArchitecture.All.Select(a => a.Name));

    private static bool IsArchitecture(string? name)
    {
        try
        {
            _ = SeResNetArchitecture.Parse(name ?? "");
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
