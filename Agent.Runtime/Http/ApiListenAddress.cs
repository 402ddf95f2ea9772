using System.Globalization;
using System.Net;

namespace Agent.Runtime.Http;

/// <summary>
/// Parses <c>--api-address</c>: <c>HOST:PORT</c> where the host is a loopback address (127.0.0.0/8, <c>::1</c>) or
/// <c>localhost</c>. The API has no authentication, so any other address is refused.
/// </summary>
public static class ApiListenAddress
{
    /// <exception cref="FormatException">Not <c>HOST:PORT</c>, or the host is not a loopback address.</exception>
    public static IPEndPoint Parse(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var text = address.Trim();
        var colon = text.LastIndexOf(':');
        if (colon < 0 || !ushort.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            throw new FormatException($"API address \"{address}\" must be HOST:PORT (port 0-65535)");
        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            return new IPEndPoint(IPAddress.Loopback, port);
        if (!IPAddress.TryParse(host, out var ip))
            throw new FormatException($"API address \"{address}\": the host must be a loopback IP address or localhost");
        if (!IsLoopback(ip))
            throw new FormatException($"API address \"{address}\" is not a loopback address: the agent's HTTP API has no authentication, so it only listens on 127.0.0.0/8, ::1 or localhost");
        return new IPEndPoint(ip, port);
    }

    /// <summary>Whether <paramref name="address"/> is in 127.0.0.0/8 or is <c>::1</c> (an IPv4-mapped 127.x address counts).</summary>
    public static bool IsLoopback(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        return address.Equals(IPAddress.IPv6Loopback) || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && address.GetAddressBytes()[0] == 127);
    }
}
