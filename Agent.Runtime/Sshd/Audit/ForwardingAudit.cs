using System.Text;
using Agent.Reactive.Audit;
using Agent.Reactive.Protocol;
using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Audit;

/// <summary>
/// Reports and blocks port forwarding around the forwarding handlers: each <c>direct-tcpip</c> and
/// <c>direct-streamlocal@openssh.com</c> channel (<c>ssh -L</c>, <c>-D</c>) is reported when it opens and closes; each
/// <c>tcpip-forward</c> and <c>streamlocal-forward@openssh.com</c> listener (<c>ssh -R</c>) when it is granted and when it
/// is cancelled or its connection ends (the connections a listener forwards back are not reported one by one). Under
/// <see cref="SshBlocks"/> the channel open is refused as administratively prohibited and the request fails, logged.
/// </summary>
public static class ForwardingAudit
{
    private const string DirectTcpip = "direct-tcpip";
    private const string DirectStreamLocal = "direct-streamlocal@openssh.com";
    private const string TcpipForward = "tcpip-forward";
    private const string CancelTcpipForward = "cancel-tcpip-forward";
    private const string StreamLocalForward = "streamlocal-forward@openssh.com";
    private const string CancelStreamLocalForward = "cancel-streamlocal-forward@openssh.com";
    private const string ListenerKey = "audit.listener ";

    /// <summary><paramref name="channelTypes"/> with the direct forwards reported and, when blocked, refused.</summary>
    public static IReadOnlyDictionary<string, SshChannelOpenHandler> Channels(
        IReadOnlyDictionary<string, SshChannelOpenHandler> channelTypes, IConnectionAudit? audit, SshBlocks blocks, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(channelTypes);
        ArgumentNullException.ThrowIfNull(blocks);
        var result = new Dictionary<string, SshChannelOpenHandler>(channelTypes, StringComparer.Ordinal);
        foreach (var name in new[] { DirectTcpip, DirectStreamLocal })
        {
            if (!channelTypes.TryGetValue(name, out var inner))
                continue;
            result[name] = async (channel, data, cancellationToken) =>
            {
                var connection = channel.Connection;
                var target = Target(name, data.Span);
                if (blocks.LocalForwarding)
                {
                    logger.ForwardingRefused(name, target, connection.UserName, connection.RemoteEndPoint);
                    return SshChannelOpenResult.Reject(ChannelOpenFailureReason.AdministrativelyProhibited, "port forwarding is disabled on this workspace");
                }

                var opened = await inner(channel, data, cancellationToken);
                if (audit is null || opened.Handler is not { } handler)
                    return opened;
                var reported = audit.Open(ConnectionTypes.PortForwarding, SshConnectionFacts.Address(connection.RemoteEndPoint), connection.UserName, SshConnectionFacts.Who(connection), $"{name} {target}");
                return SshChannelOpenResult.Accept(new ReportedChannel(handler, reported));
            };
        }

        return result;
    }

    /// <summary><paramref name="requests"/> with the remote forwards reported and, when blocked, refused.</summary>
    public static IReadOnlyDictionary<string, SshGlobalRequestHandler> GlobalRequests(
        IReadOnlyDictionary<string, SshGlobalRequestHandler> requests, IConnectionAudit? audit, SshBlocks blocks, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(blocks);
        var result = new Dictionary<string, SshGlobalRequestHandler>(requests, StringComparer.Ordinal);
        foreach (var (name, cancel) in new[] { (TcpipForward, CancelTcpipForward), (StreamLocalForward, CancelStreamLocalForward) })
        {
            if (requests.TryGetValue(name, out var forward))
                result[name] = (connection, data, cancellationToken) => ForwardAsync(forward, name, connection, data, audit, blocks, logger, cancellationToken);
            if (requests.TryGetValue(cancel, out var cancelling))
            {
                result[cancel] = async (connection, data, cancellationToken) =>
                {
                    var answer = await cancelling(connection, data, cancellationToken);
                    if (answer.Success && connection.Items.TryRemove(ListenerKey + Target(name, data.Span), out var listener))
                        ((AuditedConnection)listener).Close(reason: "cancelled by the client");
                    return answer;
                };
            }
        }

        return result;
    }

    private static async ValueTask<SshGlobalRequestResult> ForwardAsync(
        SshGlobalRequestHandler forward, string name, SshChannelMultiplexer connection, ReadOnlyMemory<byte> data, IConnectionAudit? audit, SshBlocks blocks, ILogger logger, CancellationToken cancellationToken)
    {
        var target = Target(name, data.Span);
        if (blocks.ReverseForwarding)
        {
            logger.ForwardingRefused(name, target, connection.UserName, connection.RemoteEndPoint);
            return SshGlobalRequestResult.Failed;
        }

        var answer = await forward(connection, data, cancellationToken);
        if (!answer.Success || audit is null)
            return answer;
        var reported = audit.Open(ConnectionTypes.PortForwarding, SshConnectionFacts.Address(connection.RemoteEndPoint), connection.UserName, SshConnectionFacts.Who(connection), $"{name} {target}");
        if (!connection.Items.TryAdd(ListenerKey + target, reported))
        {
            reported.Close(reason: "replaced a listener of the same address");
            return answer;
        }

        connection.Closed.Register(() =>
        {
            if (connection.Items.TryRemove(ListenerKey + target, out var listener))
                ((AuditedConnection)listener).Close(reason: "the connection ended");
        });
        return answer;
    }

    // direct-tcpip: host, port, originator, originator port; direct-streamlocal: path, reserved; tcpip-forward:
    // address, port; streamlocal-forward: path (RFC 4254 §7, OpenSSH's PROTOCOL §2.4).
    private static string Target(string name, ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new SshReader(data);
            var host = Encoding.UTF8.GetString(reader.ReadBinary());
            return name is DirectTcpip or TcpipForward ? $"{host}:{reader.ReadUInt32()}" : host;
        }
        catch (SshProtocolException)
        {
            return "(malformed)";
        }
    }

    private sealed class ReportedChannel(ISshChannelHandler inner, AuditedConnection reported) : ISshChannelHandler
    {
        public ValueTask<bool> OnRequestAsync(SshChannelRequest request, CancellationToken cancellationToken) => inner.OnRequestAsync(request, cancellationToken);

        public void OnClosed()
        {
            inner.OnClosed();
            reported.Close();
        }
    }
}
