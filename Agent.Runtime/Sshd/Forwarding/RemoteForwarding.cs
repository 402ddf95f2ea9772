using System.Net;
using System.Net.Sockets;
using Agent.Runtime.Os.Interop;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Forwarding;

/// <summary>
/// The global requests of remote forwarding: <c>tcpip-forward</c> / <c>cancel-tcpip-forward</c> (RFC 4254
/// section 7.1, <c>ssh -R</c>) and <c>streamlocal-forward@openssh.com</c> /
/// <c>cancel-streamlocal-forward@openssh.com</c> (OpenSSH PROTOCOL 2.4). TCP listeners always bind loopback,
/// as sshd with its default <c>GatewayPorts no</c>: an explicit loopback address is bound as given, anything
/// else (<c>""</c>, <c>*</c>, <c>localhost</c>, another host) binds 127.0.0.1.
/// </summary>
internal static class RemoteForwarding
{
    public static ValueTask<SshGlobalRequestResult> ForwardTcp(SshForwardingOptions options, SshChannelMultiplexer connection, ReadOnlyMemory<byte> data)
    {
        var (address, port) = ReadAddressAndPort(data, "tcpip-forward");
        if (port > ushort.MaxValue)
            return Failed(options, $"tcpip-forward to port {port}: not a port");
        if (!connection.Restrictions.AllowsListen(address, port))
            return Prohibited(options, connection, $"tcpip-forward on {address}:{port}", connection.Restrictions.PortForwarding ? "permitlisten" : "no-port-forwarding");
        var table = RemoteForwardTable.Of(connection, options.MaxListenersPerConnection);
        if (!table.HasRoom)
            return Failed(options, $"tcpip-forward refused: {options.MaxListenersPerConnection} listeners are open on this connection");
        if (port != 0 && table.Contains(TcpKey(address, port)))
            return Failed(options, $"tcpip-forward refused: {address}:{port} is forwarded already");
        var bind = new IPEndPoint(BindAddress(address), (int)port);
        ForwardListener listener;
        try
        {
            listener = ForwardListener.ListenTcp(
                bind,
                connection,
                "forwarded-tcpip",
                accepted => ForwardedTcpData(address, accepted),
                options.MaxConnectionsPerListener,
                options.Logger);
        }
        catch (SocketException e)
        {
            return Failed(options, $"tcpip-forward on {bind} failed: {e.Message}");
        }

        var bound = (uint)((IPEndPoint)listener.LocalEndPoint).Port;
        if (!table.TryAdd(TcpKey(address, bound), listener))
            return Failed(options, $"tcpip-forward refused: {address}:{bound} is forwarded already or the connection ended");
        options.Logger.RemoteForwardStarted(listener.LocalEndPoint, address, port);
        var reply = port == 0 ? new SshWriter(4).WriteUInt32(bound).ToArray() : [];
        return ValueTask.FromResult(new SshGlobalRequestResult(true, reply));
    }

    public static ValueTask<SshGlobalRequestResult> CancelTcp(SshForwardingOptions options, SshChannelMultiplexer connection, ReadOnlyMemory<byte> data)
    {
        var (address, port) = ReadAddressAndPort(data, "cancel-tcpip-forward");
        var removed = RemoteForwardTable.Of(connection, options.MaxListenersPerConnection).Remove(TcpKey(address, port));
        options.Logger.RemoteForwardCancelled(address, port, removed ? "closed" : "not forwarded");
        return ValueTask.FromResult(removed ? SshGlobalRequestResult.Succeeded : SshGlobalRequestResult.Failed);
    }

    public static ValueTask<SshGlobalRequestResult> ForwardUnix(SshForwardingOptions options, SshChannelMultiplexer connection, ReadOnlyMemory<byte> data)
    {
        var requested = ReadPath(data, "streamlocal-forward@openssh.com");
        if (requested.Length == 0)
            return Failed(options, "streamlocal-forward refused: an empty path");
        if (!connection.Restrictions.PortForwarding)
            return Prohibited(options, connection, $"streamlocal-forward on {requested}", "no-port-forwarding");
        var path = Path.GetFullPath(options.ResolvePath(requested));
        var table = RemoteForwardTable.Of(connection, options.MaxListenersPerConnection);
        if (!table.HasRoom)
            return Failed(options, $"streamlocal-forward refused: {options.MaxListenersPerConnection} listeners are open on this connection");
        if (table.Contains(UnixKey(path)))
            return Failed(options, $"streamlocal-forward refused: {path} is forwarded already");
        ForwardListener listener;
        try
        {
            if (Path.GetDirectoryName(path) is { } parent)
                PrivateDirectory.Ensure(parent);
            listener = ForwardListener.ListenUnix(
                path,
                connection,
                "forwarded-streamlocal@openssh.com",
                _ => new SshWriter(path.Length + 8).WriteString(requested).WriteString(string.Empty).ToArray(),
                options.MaxConnectionsPerListener,
                options.Logger);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Failed(options, $"streamlocal-forward on {path} failed: {e.Message}");
        }

        if (!table.TryAdd(UnixKey(path), listener))
            return Failed(options, $"streamlocal-forward refused: {path} is forwarded already or the connection ended");
        options.Logger.RemoteUnixForwardStarted(path);
        return ValueTask.FromResult(SshGlobalRequestResult.Succeeded);
    }

    public static ValueTask<SshGlobalRequestResult> CancelUnix(SshForwardingOptions options, SshChannelMultiplexer connection, ReadOnlyMemory<byte> data)
    {
        var requested = ReadPath(data, "cancel-streamlocal-forward@openssh.com");
        var path = Path.GetFullPath(options.ResolvePath(requested));
        var removed = RemoteForwardTable.Of(connection, options.MaxListenersPerConnection).Remove(UnixKey(path));
        options.Logger.RemoteUnixForwardCancelled(path, removed ? "closed" : "not forwarded");
        return ValueTask.FromResult(removed ? SshGlobalRequestResult.Succeeded : SshGlobalRequestResult.Failed);
    }

    /// <summary>The address a remote forward binds: loopback always (GatewayPorts no).</summary>
    internal static IPAddress BindAddress(string requested)
        => IPAddress.TryParse(requested, out var address) && IPAddress.IsLoopback(address) ? address : IPAddress.Loopback;

    private static ReadOnlyMemory<byte> ForwardedTcpData(string address, Socket accepted)
    {
        var local = (IPEndPoint)accepted.LocalEndPoint!;
        var remote = (IPEndPoint)accepted.RemoteEndPoint!;
        var originator = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
        return new SshWriter(64 + address.Length).WriteString(address).WriteUInt32((uint)local.Port)
            .WriteString(originator.ToString()).WriteUInt32((uint)remote.Port).ToArray();
    }

    private static (string Address, uint Port) ReadAddressAndPort(ReadOnlyMemory<byte> data, string what)
    {
        var reader = new SshReader(data.Span);
        var address = reader.ReadString();
        var port = reader.ReadUInt32();
        reader.EnsureEnd(what);
        return (address, port);
    }

    private static string ReadPath(ReadOnlyMemory<byte> data, string what)
    {
        var reader = new SshReader(data.Span);
        var path = reader.ReadString();
        reader.EnsureEnd(what);
        return path;
    }

    private static string TcpKey(string address, uint port) => $"tcp:{address}:{port}";

    private static string UnixKey(string path) => "unix:" + path;

    private static ValueTask<SshGlobalRequestResult> Prohibited(SshForwardingOptions options, SshChannelMultiplexer connection, string what, string restriction)
    {
        options.Logger.RefusedByRestrictions(connection.Id, connection.RemoteEndPoint, what, restriction);
        return ValueTask.FromResult(SshGlobalRequestResult.Failed);
    }

    private static ValueTask<SshGlobalRequestResult> Failed(SshForwardingOptions options, string message)
    {
        options.Logger.RemoteForwardFailed(message);
        return ValueTask.FromResult(SshGlobalRequestResult.Failed);
    }
}
