using System.Net;
using System.Net.Sockets;

namespace SENet.Silo.Hosting;

/// <summary>Loopback ports nobody listens on, for silos started inside another program (the CLI, tests, benchmarks).</summary>
public static class FreePorts
{
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ =>
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return listener;
        }).ToList();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}
