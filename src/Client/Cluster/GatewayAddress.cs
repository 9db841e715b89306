using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SENet.Client.Cluster;

/// <summary>
/// A silo's gateway: a host (name or IP address) and port. <c>--gateway</c> takes <c>host:port</c>, <c>[IPv6]:port</c>,
/// or a bare port for a gateway on this machine.
/// </summary>
public readonly record struct GatewayAddress(string Host, int Port)
{
    /// <summary>The address a bare port means: IPv4 loopback, where localhost clustering's silos listen.</summary>
    public const string ThisMachine = "127.0.0.1";

    public static GatewayAddress OnThisMachine(int port) => new(ThisMachine, port);

    /// <summary>Parses <c>--gateway</c>'s value; the problem, when there is one, says what form is expected.</summary>
    public static bool TryParse(string? text, out GatewayAddress gateway, out string problem)
    {
        gateway = default;
        var value = text?.Trim() ?? "";
        const string Expected = "use host:port (silo1.example.com:30000, 10.0.0.5:30000), [IPv6 address]:port ([fd00::5]:30000), or a bare port for a gateway on this machine (30000)";
        if (value.Length == 0)
        {
            problem = $"is empty: {Expected}";
            return false;
        }

        if (!value.StartsWith('[') && IPAddress.TryParse(value, out var bare) && bare.AddressFamily == AddressFamily.InterNetworkV6)
        {
            problem = $"is an IPv6 address with no port (an IPv6 address goes in brackets): {Expected}";
            return false;
        }

        var colon = value.LastIndexOf(':');
        var (host, portText) = colon < 0 ? (ThisMachine, value) : (value[..colon], value[(colon + 1)..]);
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > IPEndPoint.MaxPort)
        {
            var looksLikeHostAlone = (colon < 0 && value.Any(char.IsAsciiLetter)) || (value.StartsWith('[') && value.EndsWith(']'));
            problem = looksLikeHostAlone
                ? $"has no port: {Expected}"
                : $"has port '{portText}', but a port is a whole number from 1 to {IPEndPoint.MaxPort}: {Expected}";
            return false;
        }

        if (host.Length == 0)
        {
            problem = $"has no host before ':': {Expected}";
            return false;
        }

        if (host.StartsWith('[') && host.EndsWith(']') && IPAddress.TryParse(host[1..^1], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
        {
            host = v6.ToString();
        }
        else if (Uri.CheckHostName(host) is not (UriHostNameType.Dns or UriHostNameType.IPv4))
        {
            problem = host.Contains(':') && !host.Contains('/')
                ? $"has host '{host}': an IPv6 address goes in brackets, {Expected}"
                : $"has host '{host}', which is not a host name or IP address: {Expected}";
            return false;
        }

        gateway = new GatewayAddress(host, port);
        problem = "";
        return true;
    }

    /// <summary>The endpoint Orleans connects to; a host name resolves here, IPv4 first (silos advertise IPv4).</summary>
    public async Task<IPEndPoint> ResolveAsync(CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(Host, out var address))
        {
            return new IPEndPoint(address, Port);
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(Host, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new IOException($"The gateway host '{Host}' (--gateway {this}) does not resolve: {e.Message}. Check the name, or give the silo's IP address.", e);
        }

        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new IOException($"The gateway host '{Host}' (--gateway {this}) resolves to no address. Check the name, or give the silo's IP address.");
        return new IPEndPoint(chosen, Port);
    }

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
