namespace SENet.Client.Tests;

/// <summary>Runs the real <c>senet</c> command tree in process and captures both streams.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await SenetCommandLine.InvokeAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
