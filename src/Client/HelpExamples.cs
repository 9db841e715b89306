using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace SENet.Client;

/// <summary>Adds one worked example to every verb's <c>--help</c>, after System.CommandLine's own help.</summary>
public static class HelpExamples
{
    /// <summary>Keyed by the command's path without "senet" (e.g. "model build").</summary>
    public static IReadOnlyDictionary<string, string> ByVerb { get; } = new Dictionary<string, string>
    {
        [""] = "senet demo",
        ["model"] = "senet model build seresnet50 --out model.onnx",
        ["model build"] = "senet model build seresnet50 --layout caffe --classes 1000 --out model.onnx",
        ["model info"] = "senet model info model.onnx",
        ["evaluate"] = "senet evaluate --data /data/imagenet/val --model model.onnx --out results/run1",
        ["demo"] = "senet demo --out senet-demo --device cpu",
        ["bench"] = "senet bench --device cuda --find-batch",
        ["submit"] = "senet submit --data /shared/val --model /shared/model.onnx --out /shared/results/run1",
        ["status"] = "senet status job-20261130-101500-1a2b3c",
        ["watch"] = "senet watch job-20261130-101500-1a2b3c",
        ["results"] = "senet results job-20261130-101500-1a2b3c --out results/run1",
        ["cancel"] = "senet cancel job-20261130-101500-1a2b3c",
        ["jobs"] = "senet jobs --gateway 30000",
        ["silos"] = "senet silos --clustering azure --cluster-id prod",
    };

    public static void AddTo(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        if (help.Action is HelpAction builtIn)
        {
            help.Action = new WithExample(builtIn);
        }
    }

    /// <summary>The command's path under the root, as <see cref="ByVerb"/> keys it.</summary>
    public static string PathOf(Command command)
    {
        var names = new List<string>();
        for (Symbol? symbol = command; symbol is Command { } current && current is not RootCommand; symbol = current.Parents.FirstOrDefault())
        {
            names.Insert(0, current.Name);
        }

        return string.Join(' ', names);
    }

    private sealed class WithExample(HelpAction builtIn) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var exitCode = builtIn.Invoke(parseResult);
            if (ByVerb.TryGetValue(PathOf(parseResult.CommandResult.Command), out var example))
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Example:");
                output.WriteLine($"  {example}");
                output.WriteLine();
            }

            return exitCode;
        }
    }
}
