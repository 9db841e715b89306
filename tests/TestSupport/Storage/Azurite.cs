using System.Diagnostics;
using System.Net.Sockets;

namespace SENet.Tests.Storage;

/// <summary>
/// The real Azure Storage emulator on loopback, on ports and in a folder of its own (test.sh installs it into
/// .tools/azurite). It persists to disk, so it can be stopped and started again without losing blobs.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _folder = Directory.CreateTempSubdirectory("senet-azurite-").FullName;
    private Process? _process;

    private Azurite(int blobPort, int queuePort, int tablePort)
    {
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    public string BlobUrl(string container, string prefix = "") => $"http://127.0.0.1:{BlobPort}/devstoreaccount1/{container}/{prefix}".TrimEnd('/');

    public static async Task<Azurite> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = FreePorts(3);
            var azurite = new Azurite(ports[0], ports[1], ports[2]);
            try
            {
                await azurite.StartAgainAsync();
                return azurite;
            }
            catch (InvalidOperationException) when (attempt < 3 && azurite._process is { HasExited: true })
            {
                // A port found free was taken by another test's server before Azurite bound it: try other ports.
                await azurite.DisposeAsync();
            }
        }
    }

    public async Task StartAgainAsync()
    {
        var executable = FindExecutable();
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--location", _folder,
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(), "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(),
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        var said = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process.OutputDataReceived += (_, e) => { if (e.Data is { } line && said.Count < 20) { said.Enqueue(line); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { } line && said.Count < 20) { said.Enqueue(line); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await ListensAsync(BlobPort) || !await ListensAsync(TablePort))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Azurite did not start on 127.0.0.1:{BlobPort} (exit code {(_process.HasExited ? _process.ExitCode : "none")}): {string.Join(" | ", said)}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Stops it with SIGINT, so that it saves its metadata (blobs written just before would be lost to a kill), and
    /// kills it if it has not exited after a few seconds: a stopping Azurite may otherwise busy a core for minutes.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            _ = SendSignal(process.Id, Interrupt);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        _process?.Dispose();
        _process = null;
    }

    private const int Interrupt = 2;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int SendSignal(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static string FindExecutable()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, ".tools", "azurite", "node_modules", ".bin", "azurite");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("Azurite is not installed: run ./test.sh, which installs it into .tools/azurite (npm install --prefix .tools/azurite azurite@3.37.0).");
    }

    private static async Task<bool> ListensAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ =>
        {
            var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            return listener;
        }).ToList();
        var ports = listeners.Select(l => ((System.Net.IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}
