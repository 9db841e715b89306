using System.Diagnostics;
using System.Text;

namespace SENet.Client.Tests;

/// <summary>A program of this repository (senet, senet-silo) run as its own process from the test's folder.</summary>
public sealed class DotnetProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DotnetProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>Waits until the output holds <paramref name="text"/>; false if the process exits or <paramref name="timeout"/> passes first.</summary>
    public async Task<bool> WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                return Output.Contains(text, StringComparison.Ordinal);
            }

            await Task.Delay(100);
        }

        return true;
    }

    /// <summary>Sends a signal (INT, TERM) to the process, as Ctrl+C or an orchestrator's stop would.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }

    /// <summary>
    /// Where a program of the repository lies for the tests: beside them (the CLI, whose dependencies the test project
    /// shares), or in a folder of its own under programs/, named after it (the silo program, copied whole with its own dependencies: it
    /// runs on ASP.NET Core, which the CLI does not).
    /// </summary>
    public static string PathOf(string assembly)
    {
        var beside = Path.Combine(AppContext.BaseDirectory, assembly);
        var own = Path.Combine(AppContext.BaseDirectory, "programs", Path.GetFileNameWithoutExtension(assembly), Path.GetFileName(assembly));
        return !File.Exists(beside) && File.Exists(own) ? own : beside;
    }

    /// <param name="workingDirectory">Where the process starts (default: the test's folder, which holds the programs).</param>
    public static DotnetProcess Start(string assembly, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(PathOf(assembly));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new DotnetProcess(Process.Start(start)!);
    }

    /// <summary>Runs to the end (killed past <paramref name="timeout"/>); returns the exit code.</summary>
    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Process did not finish in {timeout}: {Output}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private bool _disposed;

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
