using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.Http;

/// <summary>
/// The Host header values a loopback listener answers: <c>localhost</c> and <c>*.localhost</c> (RFC 6761: always
/// the local machine, never resolved through DNS), 127.0.0.0/8 and <c>[::1]</c>, with any port. A name that an
/// attacker's DNS can point at 127.0.0.1 (DNS rebinding) is none of these.
/// </summary>
internal static class LoopbackHost
{
    private const string Localhost = "localhost";

    /// <summary>Whether <paramref name="host"/> (the Host header, port allowed) names the local machine.</summary>
    public static bool IsLoopback(HostString host)
    {
        if (!host.HasValue)
            return false;
        var name = host.Host;
        if (name.StartsWith('[') && name.EndsWith(']'))
            return IPAddress.TryParse(name[1..^1], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 && ApiListenAddress.IsLoopback(v6);
        if (IPAddress.TryParse(name, out var v4))
            return v4.AddressFamily == AddressFamily.InterNetwork && ApiListenAddress.IsLoopback(v4);
        return name.Equals(Localhost, StringComparison.OrdinalIgnoreCase)
            || (name.Length > Localhost.Length + 1
                && name.EndsWith("." + Localhost, StringComparison.OrdinalIgnoreCase)
                && !name.StartsWith('.')
                && !name.Contains("..", StringComparison.Ordinal));
    }
}
