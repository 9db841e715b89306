using System.CommandLine;
using SENet.Client.Commands;

namespace SENet.Client;

/// <summary>The <c>senet</c> command tree. Writers are passed in so tests run the real CLI in process.</summary>
public static class SenetCommandLine
{
    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var console = new CliConsole(output, error);
        var root = new RootCommand("SENet Eval: exact top-1 / top-5 evaluation of SE-ResNet image classifiers at dataset scale.");
        var model = new Command("model", "Build SE-ResNet ONNX models and describe ONNX classifiers.");
        model.Subcommands.Add(ModelBuildCommand.Create(console));
        model.Subcommands.Add(ModelInfoCommand.Create(console));
        root.Subcommands.Add(model);
        root.Subcommands.Add(EvaluateCommand.Create(console));
        root.Subcommands.Add(DemoCommand.Create(console));
        root.Subcommands.Add(BenchCommand.Create(console));
        root.Subcommands.Add(CompareCommand.Create(console));
        root.Subcommands.Add(RerunCommand.Create(console));
        foreach (var verb in JobCommands.Create(console))
        {
            root.Subcommands.Add(verb);
        }

        // Signals are the caller's (Program: TerminationSignals), handed in as the token: System.CommandLine's own handler
        // would end the process after two seconds, before a cancelled job's report is written.
        var verbose = new Option<bool>("--verbose") { Description = "Show the in-process silo's full log and an unexpected error's stack trace.", Recursive = true };
        root.Options.Add(verbose);
        HelpExamples.AddTo(root);

        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        var parse = root.Parse(args);
        console.Verbose = parse.GetValue(verbose);
        return await parse.InvokeAsync(configuration, cancellationToken);
    }
}
