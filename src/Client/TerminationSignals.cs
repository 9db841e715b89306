using System.Runtime.InteropServices;

namespace SENet.Client;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM: the first cancels the running command (an embedded job is cancelled, its partial report
/// written, and the process exits with <see cref="ExitCodes.Cancelled"/>); a second one, or a first that has not ended
/// the process within <see cref="Grace"/>, exits at once.
/// </summary>
public sealed class TerminationSignals : IDisposable
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _cancel = new();
    private readonly List<PosixSignalRegistration> _registrations;
    private int _signals;

    public TerminationSignals(TextWriter error)
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, context => OnSignal(context, error)), PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => OnSignal(context, error))];
    }

    public CancellationToken Token => _cancel.Token;

    private void OnSignal(PosixSignalContext context, TextWriter error)
    {
        // The runtime's own handling would end the process without the report: this class decides.
        context.Cancel = true;
        if (Interlocked.Increment(ref _signals) > 1)
        {
            error.WriteLine($"{context.Signal} again: exiting now.");
            Environment.Exit(ExitCodes.Cancelled);
        }

        error.WriteLine($"{context.Signal}: cancelling (the report keeps what was done); send it again to exit at once.");
        _cancel.Cancel();
        // Nothing may keep the process alive past the grace period (a read that never returns, say).
        _ = Task.Delay(Grace).ContinueWith(_ => Environment.Exit(ExitCodes.Cancelled), TaskScheduler.Default);
    }

    public void Dispose()
    {
        _registrations.ForEach(r => r.Dispose());
        _cancel.Dispose();
    }
}
