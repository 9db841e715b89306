using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SENet.Silo.Hosting;

/// <summary>
/// Refuses a port another process already listens on. Orleans' listeners share ports (SO_REUSEPORT on Linux), so a
/// second silo on the same ports would start "successfully" and split the cluster in two; this check binds as an
/// exclusive listener would and names the holder.
/// </summary>
public static class ListeningPorts
{
    /// <summary>Throws naming each setting whose port is taken, and the process that holds it where it can be found.</summary>
    public static void EnsureFree(IEnumerable<(string Setting, int? Port)> ports)
    {
        var problems = new List<string>();
        foreach (var (setting, port) in ports)
        {
            if (port is { } number and > 0 && !IsFree(number))
            {
                var holder = HolderOf(number) is { } process ? $"process {process}" : "another process";
                problems.Add($"{setting}={number.ToString(CultureInfo.InvariantCulture)}: port {number.ToString(CultureInfo.InvariantCulture)} is already in use by {holder}");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"{string.Join("; ", problems)}. Stop that process (another silo on the same ports would split the cluster), or start this silo on free ports, " +
                "e.g. --SENet:Silo:SiloPort=11112 --SENet:Silo:GatewayPort=30001 --SENet:Silo:PrimarySiloPort=11111.");
        }
    }

    /// <summary>Whether nothing listens on the port on any address: a bind to every address conflicts with any listener.</summary>
    public static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (OperatingSystem.IsLinux())
        {
            // SO_REUSEADDR alone (not .NET's ReuseAddress, which adds SO_REUSEPORT): a port whose last connections sit
            // in TIME_WAIT after a silo's restart is free, a port with a listener is not.
            const int solSocket = 1, soReuseAddr = 2;
            socket.SetRawSocketOption(solSocket, soReuseAddr, BitConverter.GetBytes(1));
        }

        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            return false;
        }
    }

    /// <summary>The pid and command line of the process listening on the port (Linux /proc; null where unknown or not readable).</summary>
    public static string? HolderOf(int port)
    {
        try
        {
            var inodes = ListeningInodes("/proc/net/tcp", port).Concat(ListeningInodes("/proc/net/tcp6", port)).ToHashSet();
            if (inodes.Count == 0)
            {
                return null;
            }

            foreach (var process in Directory.EnumerateDirectories("/proc"))
            {
                var pid = Path.GetFileName(process);
                if (!pid.All(char.IsAsciiDigit))
                {
                    continue;
                }

                try
                {
                    foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd")))
                    {
                        if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal) && inodes.Contains(target[8..^1]))
                        {
                            var command = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ').Trim();
                            return command.Length > 0 ? $"{pid} ({command})" : pid;
                        }
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another user's process, or one that ended while being read.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No /proc (not Linux) or not readable: the port is named without its holder.
        }

        return null;
    }

    private static IEnumerable<string> ListeningInodes(string table, int port)
    {
        if (!File.Exists(table))
        {
            yield break;
        }

        const string listen = "0A";
        foreach (var line in File.ReadLines(table).Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 9 && fields[3] == listen && int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
            {
                yield return fields[9];
            }
        }
    }
}
