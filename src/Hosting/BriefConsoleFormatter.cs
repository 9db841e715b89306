using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace SENet.Silo.Hosting;

/// <summary>
/// One line per log entry, an exception as its type and message only: what a person running the CLI reads. The stack
/// trace is for a bug report, and the CLI shows it only with <c>--verbose</c>.
/// </summary>
public sealed class BriefConsoleFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "senet-brief";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        var level = logEntry.LogLevel switch
        {
            LogLevel.Critical or LogLevel.Error => "error",
            LogLevel.Warning => "warning",
            _ => logEntry.LogLevel.ToString().ToLowerInvariant(),
        };
        textWriter.Write($"{level}: {message.ReplaceLineEndings(" ")}");
        for (var inner = logEntry.Exception; inner is not null; inner = inner.InnerException)
        {
            if (!message.Contains(inner.Message, StringComparison.Ordinal))
            {
                textWriter.Write($" ({inner.GetType().Name}: {inner.Message.ReplaceLineEndings(" ")})");
                break;
            }
        }

        textWriter.WriteLine();
    }
}
