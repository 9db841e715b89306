using Spectre.Console;

namespace SENet.Client;

/// <summary>
/// Where a command writes: results to standard output (through Spectre.Console), errors to standard error,
/// and a uniform translation of expected failures into one clear line and exit code 1.
/// </summary>
public sealed class CliConsole(TextWriter output, TextWriter error)
{
    public IAnsiConsole Out { get; } = CreateOut(output);

    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary><c>--verbose</c>: the embedded silo's full log and an unexpected error's stack trace.</summary>
    public bool Verbose { get; set; }

    /// <summary>Runs a command body; an expected failure prints <c>error: …</c> on standard error and returns 1.</summary>
    public async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (OperationCanceledException)
        {
            await Error.WriteLineAsync("error: cancelled.");
            return 130;
        }
        catch (Exception e) when (UserFacing(e))
        {
            await Error.WriteLineAsync($"error: {Describe(e)}");
            return 1;
        }
        catch (Exception e) when (ClusterFailure(e))
        {
            await Error.WriteLineAsync($"error: the SENet cluster stopped answering ({e.GetType().Name}: {e.Message}). " +
                "Check that its silos still run ('senet silos'); with localhost clustering a job's state may have been lost with the silo that held it.");
            return 1;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Never an unhandled crash (exit 134) with a stack trace: one line, exit code 1, and the type to report.
            await Error.WriteLineAsync($"error: unexpected {e.GetType().Name}: {Describe(e)} (please report this as a bug{(Verbose ? "" : "; --verbose shows where it happened")})");
            if (Verbose)
            {
                await Error.WriteLineAsync(e.ToString());
            }

            return 1;
        }
    }

    /// <summary>
    /// The message without what .NET appends for a programmer (" (Parameter 'name')", "Actual value was 0."): the
    /// commands' own checks name the option and what it allows; this is the net for any that slips through.
    /// </summary>
    public static string Describe(Exception e)
    {
        var message = e.Message;
        if (e is ArgumentOutOfRangeException { ActualValue: { } actual })
        {
            message = message.Replace($"{Environment.NewLine}Actual value was {actual}.", "", StringComparison.Ordinal);
        }

        if (e is ArgumentException { ParamName: { Length: > 0 } name })
        {
            message = message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal);
        }

        return message;
    }

    /// <summary>The cluster went away or cannot answer: a silo died or stopped, the gateway closed, a call timed out.</summary>
    private static bool ClusterFailure(Exception e) =>
        e is Orleans.Runtime.OrleansException or TimeoutException or System.Net.Sockets.SocketException
        || (e.InnerException is { } inner && ClusterFailure(inner));

    private static IAnsiConsole CreateOut(TextWriter output)
    {
        var terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            // Logs and files have no terminal width: wide enough that worker keys and paths stay on one line.
            console.Profile.Width = 200;
        }

        return console;
    }

    private static bool UserFacing(Exception e) =>
        e is Evaluation.Models.ModelValidationException or Evaluation.Models.DeviceUnavailableException
            or Evaluation.Datasets.DatasetException or Contracts.Jobs.JobRejectedException or Azure.RequestFailedException or AggregateException or InvalidOperationException or ArgumentException or FormatException or IOException or UnauthorizedAccessException or InvalidDataException;
}
