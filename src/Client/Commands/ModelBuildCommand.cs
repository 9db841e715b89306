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
        var layout = new Option<string>("--layout")
        {
            Description = "timm (stride on the 3×3, padded max pool) or caffe (stride on the first 1×1, ceil-mode max pool: the paper's release).",
            DefaultValueFactory = _ => "timm",
        };
        layout.AcceptOnlyFromAmong("timm", "caffe");
        var classes = new Option<int>("--classes") { Description = "Number of output classes.", DefaultValueFactory = _ => 1000 };
        var reduction = new Option<int>("--reduction") { Description = "SE reduction ratio r; 0 builds the plain ResNet.", DefaultValueFactory = _ => 16 };
        var inputSize = new Option<int>("--input-size") { Description = "Input height and width.", DefaultValueFactory = _ => 224 };
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
}
