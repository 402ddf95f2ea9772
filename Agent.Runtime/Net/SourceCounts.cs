using System.Net;
using System.Net.Sockets;

namespace Agent.Runtime.Net;

/// <summary>
/// How many connections each source holds, for per-source caps: a source is an IPv4 address (IPv4-mapped ones too)
/// or an IPv6 /64, since one IPv6 client owns at least a /64. Not thread-safe: its owner counts under its own lock.
/// </summary>
internal sealed class SourceCounts : HeldCounts<IPAddress>
{
    /// <summary>The source a connection from <paramref name="remote"/> counts under; every non-IP endpoint shares one.</summary>
    public static IPAddress SourceOf(EndPoint? remote)
    {
        if (remote is not IPEndPoint { Address: var address })
            return IPAddress.None;
        if (address.IsIPv4MappedToIPv6)
            return address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address;
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
