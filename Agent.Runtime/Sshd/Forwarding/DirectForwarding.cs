using System.Net.Sockets;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Forwarding;

/// <summary>
/// Channels the client opens to reach something from the workspace: <c>direct-tcpip</c> (RFC 4254 section 7.2,
/// <c>ssh -L port:host:port</c>) and <c>direct-streamlocal@openssh.com</c> (OpenSSH PROTOCOL 2.4,
/// <c>ssh -L path:path</c>). A failed connect answers OPEN_FAILURE (connect failed) with the reason; the
/// connection carries on.
/// </summary>
internal static class DirectForwarding
{
    public static ValueTask<SshChannelOpenResult> OpenTcpAsync(SshForwardingOptions options, SshChannel channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        string host;
        uint port;
        {
            var reader = new SshReader(data.Span);
            host = reader.ReadString();
            port = reader.ReadUInt32();
            reader.ReadString();
            reader.ReadUInt32();
            reader.EnsureEnd("direct-tcpip");
        }

        if (port is 0 or > ushort.MaxValue || host.Length == 0)
            return ValueTask.FromResult(SshChannelOpenResult.Reject(ChannelOpenFailureReason.ConnectFailed, $"invalid destination {host}:{port}"));
        var restrictions = channel.Connection.Restrictions;
        if (!restrictions.AllowsOpen(host, port))
            return Prohibited(options, channel, $"direct-tcpip to {host}:{port}", restrictions.PortForwarding ? "permitopen" : "no-port-forwarding");
        options.Logger.DirectTcpip(host, port, channel.LocalId);
        return ConnectAsync(options, channel, $"{host}:{port}", ProtocolType.Tcp, (socket, ct) => socket.ConnectAsync(host, (int)port, ct), cancellationToken);
    }

    public static ValueTask<SshChannelOpenResult> OpenUnixAsync(SshForwardingOptions options, SshChannel channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        string path;
        {
            var reader = new SshReader(data.Span);
            path = reader.ReadString();

            // A reserved string and uint32 follow (OpenSSH sends them); older clients may omit them.
        }

        if (path.Length == 0)
            return ValueTask.FromResult(SshChannelOpenResult.Reject(ChannelOpenFailureReason.ConnectFailed, "an empty socket path"));
        if (!channel.Connection.Restrictions.PortForwarding)
            return Prohibited(options, channel, $"direct-streamlocal to {path}", "no-port-forwarding");
        var resolved = options.ResolvePath(path);
        options.Logger.DirectStreamLocal(resolved, channel.LocalId);
        UnixDomainSocketEndPoint endPoint;
        try
        {
            endPoint = new UnixDomainSocketEndPoint(resolved);
        }
        catch (ArgumentException e)
        {
            return ValueTask.FromResult(SshChannelOpenResult.Reject(ChannelOpenFailureReason.ConnectFailed, e.Message));
        }

        return ConnectAsync(options, channel, resolved, ProtocolType.Unspecified, (socket, ct) => socket.ConnectAsync(endPoint, ct), cancellationToken);
    }

    private static ValueTask<SshChannelOpenResult> Prohibited(SshForwardingOptions options, SshChannel channel, string what, string restriction)
    {
        options.Logger.RefusedByRestrictions(channel.Connection.Id, channel.Connection.RemoteEndPoint, what, restriction);
        return ValueTask.FromResult(SshChannelOpenResult.Reject(ChannelOpenFailureReason.AdministrativelyProhibited, $"{restriction} forbids it"));
    }

    // The result is completed from the connect's continuation: the multiplexer's continuation (which sends the
    // confirmation) runs inline in SetResult, so the confirmation is queued before the relay sends anything.
    private static ValueTask<SshChannelOpenResult> ConnectAsync(
        SshForwardingOptions options,
        SshChannel channel,
        string destination,
        ProtocolType protocol,
        Func<Socket, CancellationToken, ValueTask> connect,
        CancellationToken cancellationToken)
    {
        var result = new TaskCompletionSource<SshChannelOpenResult>();
        _ = CompleteAsync();
        return new ValueTask<SshChannelOpenResult>(result.Task);

        async Task CompleteAsync()
        {
            var socket = protocol == ProtocolType.Tcp
                ? new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
                : new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, channel.Connection.Closed);
                timeout.CancelAfter(options.ConnectTimeout);
                await connect(socket, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or IOException or ArgumentException)
            {
                socket.Dispose();

                // .NET reports a missing Unix socket file as "Cannot assign requested address".
                var reason = e is OperationCanceledException ? "connect timed out"
                    : protocol != ProtocolType.Tcp && !File.Exists(destination) ? "No such file or directory"
                    : e.Message;
                options.Logger.ForwardingFailed(destination, reason);
                result.SetResult(SshChannelOpenResult.Reject(ChannelOpenFailureReason.ConnectFailed, reason));
                return;
            }

            var relay = new SocketChannelRelay(channel, socket, options.Logger);
            result.SetResult(SshChannelOpenResult.Accept(relay));
            relay.Start();
        }
    }
}
