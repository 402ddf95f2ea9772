using System.Net;
using System.Net.Sockets;
using Agent.Reactive.Statistics;
using Agent.Runtime.Relay.Splice;
using Agent.Runtime.Relay.Yamux;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Relay.Endpoint;

/// <summary>
/// Serves one stream the control plane opened on the relay: reads which port it is for, answers, and hands the
/// stream to that service or to a TCP connection into the workspace. Whatever goes wrong ends this stream only.
/// </summary>
public sealed class RelayStreamHandler
{
    /// <summary>How long the control plane has to say which port a new stream is for.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly RelayServices _services;
    private readonly AgentCounters _counters;
    private readonly ILogger _logger;

    public RelayStreamHandler(RelayServices services, AgentCounters counters, ILogger logger)
    {
        _services = services;
        _counters = counters;
        _logger = logger;
    }

    public async Task ServeAsync(YamuxStream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var scope = _logger.BeginStreamScope(stream.Id);
        try
        {
            await using (stream.ConfigureAwait(false))
                await ServeCoreAsync(stream, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or EndOfStreamException)
        {
            _logger.StreamEnded(stream.Id, e.Message);
            stream.Reset();
        }
        catch (Exception e)
        {
            // A service's bug must not take the relay (and every other stream) down with it.
            _logger.StreamFailed(e, stream.Id);
            stream.Reset();
        }
    }

    private static Task ReplyAsync(Stream stream, RelayStatus status, string message, CancellationToken cancellationToken)
        => RelayHandshake.WriteReplyAsync(stream, status, message, cancellationToken);

    private async Task ServeCoreAsync(YamuxStream stream, CancellationToken cancellationToken)
    {
        (byte Version, int Port) request;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(RequestTimeout);
            request = await RelayHandshake.ReadRequestAsync(stream, timeout.Token).ConfigureAwait(false);
        }

        if (request.Version != RelayHandshake.Version)
        {
            await ReplyAsync(stream, RelayStatus.BadRequest, $"relay request version {request.Version} is not supported (this agent speaks {RelayHandshake.Version})", cancellationToken).ConfigureAwait(false);
            return;
        }

        var port = request.Port;
        if (port >= RelayPorts.MinForwarded)
        {
            await ForwardAsync(stream, port, cancellationToken).ConfigureAwait(false);
            return;
        }

        var service = port switch
        {
            RelayPorts.Ssh => _services.Ssh,
            RelayPorts.ReconnectingPty => _services.ReconnectingPty,
            RelayPorts.Speedtest => _services.Speedtest,
            RelayPorts.HttpApi => _services.HttpApi,
            _ => null,
        };
        if (port is < RelayPorts.Ssh or > RelayPorts.HttpApi)
        {
            await ReplyAsync(stream, RelayStatus.Refused, $"port {port} is reserved for the agent; forwarded ports start at {RelayPorts.MinForwarded}", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (service is null)
        {
            await ReplyAsync(stream, RelayStatus.Unavailable, $"the agent does not serve {RelayPorts.ProtocolName(port)} (port {port})", cancellationToken).ConfigureAwait(false);
            return;
        }

        await ReplyAsync(stream, RelayStatus.Connected, string.Empty, cancellationToken).ConfigureAwait(false);
        _counters.ConnectionOpened(RelayPorts.ProtocolName(port));
        _logger.StreamToService(stream.Id, RelayPorts.ProtocolName(port));
        await service(stream, cancellationToken).ConfigureAwait(false);
    }

    private async Task ForwardAsync(YamuxStream stream, int port, CancellationToken cancellationToken)
    {
        var socket = await DialAsync(port, cancellationToken).ConfigureAwait(false);
        if (socket.Error is not null)
        {
            await ReplyAsync(stream, RelayStatus.Unreachable, socket.Error, cancellationToken).ConfigureAwait(false);
            return;
        }

        await using var connection = new NetworkStream(socket.Socket!, ownsSocket: true);
        await ReplyAsync(stream, RelayStatus.Connected, string.Empty, cancellationToken).ConfigureAwait(false);
        _counters.ConnectionOpened(RelayPorts.ProtocolName(port));
        _logger.StreamForwarded(stream.Id, socket.Socket!.RemoteEndPoint);
        var failure = await StreamSplice.RunAsync(stream, connection, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
            _logger.ForwardEnded(stream.Id, port, failure);
    }

    // 127.0.0.1 first, as Coder does; [::1] when nothing listens there, for services bound to IPv6 loopback only.
    private async Task<(Socket? Socket, string? Error)> DialAsync(int port, CancellationToken cancellationToken)
    {
        string? error = null;
        foreach (var address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_services.ForwardConnectTimeout);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), timeout.Token).ConfigureAwait(false);
                return (socket, null);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                cancellationToken.ThrowIfCancellationRequested();
                var reason = e is SocketException socketError ? socketError.Message : $"no answer within {_services.ForwardConnectTimeout.TotalSeconds:0} s";
                error ??= $"nothing answered on 127.0.0.1:{port} or [::1]:{port} in the workspace ({reason})";
            }
        }

        return (null, error);
    }
}
