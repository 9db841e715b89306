using System.CommandLine;
using System.Globalization;
using SENet.Evaluation.Models;
using Spectre.Console;

namespace SENet.Client.Commands;

/// <summary><c>senet model info FILE</c>: interface, parameters, multiply-accumulates, layout and provenance.</summary>
public static class ModelInfoCommand
{
    public static Command Create(CliConsole console)
    {
        var path = new Argument<FileInfo>("model") { Description = "An .onnx file." };
        var command = new Command("info", "Describe an ONNX classifier: inputs, outputs, parameters, MACs, layout, provenance.") { path };
        command.SetAction((parse, cancellationToken) => console.RunAsync(async () =>
        {
            var file = parse.GetValue(path)!;
            var bytes = await ModelFiles.ReadAsync(file.FullName, Cluster.CliStorage.FromEnvironment().MaxModelBytes, cancellationToken);
            Render(console, file.FullName, ModelInspector.Inspect(bytes), bytes.LongLength);
            return 0;
        }));
        return command;
    }

    public static void Render(CliConsole console, string path, ModelDescription description, long fileBytes)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("property").AddColumn("value");
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));

        Row("file", path);
        Row("size", $"{fileBytes / 1e6:F1} MB");
        Row("architecture", description.GetMetadata(ModelMetadataKeys.Architecture) ?? "unknown (not built by SENet Eval)");
        Row("layout", description.GetMetadata(ModelMetadataKeys.Layout) ?? "unknown");
        Row("reduction ratio", description.GetMetadata(ModelMetadataKeys.ReductionRatio) ?? "unknown");
        Row("weights", description.GetMetadata(ModelMetadataKeys.Precision) ?? "unknown");
        foreach (var input in description.Inputs)
        {
            Row("input", input.ToString());
        }

        foreach (var output in description.Outputs)
        {
            Row("output", output + (description.OutputIsProbabilities ? " (probabilities)" : " (logits)"));
        }

        Row("parameters", description.Parameters.ToString("N0", CultureInfo.InvariantCulture));
        Row("MACs / image", description.MultiplyAccumulates is { } macs
            ? $"{macs.ToString("N0", CultureInfo.InvariantCulture)} ({macs / 1e9:F2} G)"
            : "not inferred (the graph has an operator the counter does not know)");
        Row("opset", description.Opset.ToString(CultureInfo.InvariantCulture));
        Row("producer", description.Producer);
        Row("provenance", description.GetMetadata(ModelMetadataKeys.Provenance) ?? "external model");
        console.Out.Write(table);
    }
}
