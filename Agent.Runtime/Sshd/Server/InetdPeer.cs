using System.Buffers.Binary;
using System.Net;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Sshd.Server;

/// <summary>
/// Who is on the other end of stdin/stdout in inetd mode, as sshd decides it (<c>ssh_packet_connection_is_on_socket</c>):
/// the connection has addresses only when stdin and stdout are IPv4 or IPv6 sockets with the same peer (inetd,
/// systemd's <c>Accept=yes</c>); a pipe (<c>ProxyCommand</c>) or a Unix socket has none, and its sessions get sshd's
/// <see cref="UnknownAddresses"/>. An IPv4-mapped IPv6 address reads as IPv4, as sshd writes it.
/// </summary>
internal static unsafe class InetdPeer
{
    /// <summary>sshd's <c>SSH_CLIENT</c> and <c>SSH_CONNECTION</c> for a connection that is not on an IP socket.</summary>
    public static readonly (string Client, string Connection) UnknownAddresses = ("UNKNOWN 65535 65535", "UNKNOWN 65535 UNKNOWN 65535");

    private const int StandardInput = 0;
    private const int StandardOutput = 1;

    /// <summary>The local and remote addresses of the socket on stdin/stdout, or <c>null</c> when there is none.</summary>
    public static (IPEndPoint Local, IPEndPoint Remote)? OfStandardStreams()
    {
        var remote = Address(StandardInput, peer: true);
        if (remote is null || !remote.Equals(Address(StandardOutput, peer: true)))
            return null;
        return Address(StandardInput, peer: false) is { } local ? (local, remote) : null;
    }

    private static IPEndPoint? Address(int fd, bool peer)
    {
        var storage = stackalloc byte[LibC.SocketAddressStorageSize];
        var length = (uint)LibC.SocketAddressStorageSize;
        var result = peer ? LibC.GetPeerName(fd, storage, &length) : LibC.GetSocketName(fd, storage, &length);
        return result == 0 ? Parse(new ReadOnlySpan<byte>(storage, (int)Math.Min(length, (uint)LibC.SocketAddressStorageSize))) : null;
    }

    // struct sockaddr_in: family (host order), port (network order), 4 address bytes; sockaddr_in6: family, port,
    // flow info, 16 address bytes, scope id.
    private static IPEndPoint? Parse(ReadOnlySpan<byte> address)
    {
        if (address.Length < 4)
            return null;
        var family = BitConverter.ToUInt16(address);
        var port = BinaryPrimitives.ReadUInt16BigEndian(address[2..]);
        if (family == LibC.AF_INET && address.Length >= 8)
            return new IPEndPoint(new IPAddress(address.Slice(4, 4)), port);
        if (family != LibC.AF_INET6 || address.Length < 28)
            return null;
        var ip = new IPAddress(address.Slice(8, 16), BitConverter.ToUInt32(address[24..]));
        return new IPEndPoint(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip, port);
    }
}
