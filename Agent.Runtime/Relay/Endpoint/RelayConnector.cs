using System.Net.WebSockets;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Agent.Reactive.Statistics;
using Agent.Runtime.ControlPlaneClient;
using Agent.Runtime.Relay.WebSockets;
using Agent.Runtime.Relay.Yamux;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Relay.Endpoint;

/// <summary>
/// Dials the control plane's relay endpoint (<c>/api/v2/workspaceagents/me/relay</c>) with the agent token and runs
/// the multiplexer's server end over it; relayed bytes count in the agent's traffic counters. Each connection goes to the
/// control plane the agent's session is with now (<see cref="ControlPlaneEndpoints.Current"/>), and a link ends when the
/// session moves to another one, so the relay follows it.
/// </summary>
public sealed class RelayConnector : IRelayConnector
{
    /// <summary>The path of the relay WebSocket below the control plane's URL.</summary>
    public const string Path = "api/v2/workspaceagents/me/relay";

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private readonly ControlPlaneEndpoints _controlPlanes;
    private readonly string _token;
    private readonly RelayStreamHandler _handler;
    private readonly YamuxOptions _options;
    private readonly ILogger _logger;

    public RelayConnector(Uri controlPlane, string token, RelayServices services, AgentCounters counters, YamuxOptions options, ILoggerFactory loggerFactory)
        : this(ControlPlaneEndpoints.Of(controlPlane), token, services, counters, options, loggerFactory)
    {
    }

    public RelayConnector(
        ControlPlaneEndpoints controlPlanes, string token, RelayServices services, AgentCounters counters, YamuxOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(controlPlanes);
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _controlPlanes = controlPlanes;
        _token = token;
        _logger = loggerFactory.CreateLogger<RelayConnector>();
        _handler = new RelayStreamHandler(services, counters, loggerFactory.CreateLogger<RelayStreamHandler>());
        _options = options with
        {
            DataReceived = bytes => counters.AddReceived(bytes),
            DataSent = bytes => counters.AddSent(bytes),
        };
    }

    public async Task<IRelayLink> ConnectAsync(CancellationToken cancellationToken)
    {
        var (controlPlane, moved) = _controlPlanes.Watch();
        var endpoint = WebSocketAddress.Below(controlPlane, Path);
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader(SessionTokenHeader.Name, _token);
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = TimeSpan.Zero; // the multiplexer pings and times out a dead link itself
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await socket.ConnectAsync(endpoint, TokenHttpClient.WebSocketInvoker, timeout.Token).ConfigureAwait(false);
        }
        catch (WebSocketException e)
        {
            socket.Dispose();
            var status = (int)socket.HttpStatusCode;
            throw new IOException(status == 0 ? $"cannot reach {endpoint.GetLeftPart(UriPartial.Authority)}: {e.Message}" : $"the control plane refused the relay (HTTP {status})", e);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"the relay did not connect within {ConnectTimeout.TotalSeconds:0} s");
        }

        var transport = new DuplexWebSocketStream(socket);
        var session = YamuxSession.Server(transport, _options, _logger);
        var movedTo = (Func<Uri>)(() => _controlPlanes.Current);
        return new RelayLink(session, transport, _handler, _logger, _controlPlanes.Count > 1 ? (moved, movedTo) : null);
    }
}
