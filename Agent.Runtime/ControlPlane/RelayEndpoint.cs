using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Agent.Runtime.Http;
using Agent.Runtime.Relay.Sse;
using Agent.Runtime.Relay.WebSockets;
using Agent.Runtime.Relay.Yamux;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// <c>GET /api/v2/workspaceagents/me/relay</c> (agent token): the agent's WebSocket, over which this side opens a
/// multiplexed stream per client connection (docs/relay-protocol.md). Held until the agent leaves or we stop.
/// </summary>
internal sealed class RelayEndpoint
{
    private readonly RelayHub _hub;
    private readonly YamuxOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly IScheduler _scheduler;

    public RelayEndpoint(RelayHub hub, YamuxOptions options, IScheduler scheduler, ILogger logger, CancellationToken stopping)
    {
        _scheduler = scheduler;
        _hub = hub;
        _options = options;
        _logger = logger;
        _stopping = stopping;
    }

    public async Task ServeAsync(HttpContext context, ControlPlaneAgent agent)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Expected a WebSocket upgrade.");
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var scope = _logger.BeginRelayScope(agent.Name); // the session's loops start inside it and carry it
        await using var transport = new DuplexWebSocketStream(socket);
        var session = YamuxSession.Client(transport, _options, _logger);
        await using (session.ConfigureAwait(false))
        {
            var remote = ClientAddress.Of(context);
            using var attached = _hub.Attach(agent.Name, session, remote, previous => agent.RelayReplaced(_scheduler, remote, previous));
            using var counted = agent.RelayAttached(_scheduler);
            using var agentEvents = FollowAgentEvents(agent);
            _logger.RelayConnected(agent.Name);
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(_stopping, context.RequestAborted);
            await using var registration = stopping.Token.Register(() => stopped.TrySetResult());
            var ended = await Task.WhenAny(session.Completion, stopped.Task);
            var reason = ended != stopped.Task
                ? session.Completion.Exception?.GetBaseException().Message ?? "closed by the agent"
                : _stopping.IsCancellationRequested ? "the control plane is stopping" : "the connection dropped";
            _logger.RelayDisconnected(agent.Name, reason);
        }
    }

    /// <summary>The agent's own event stream (port 4), for the events only the agent sees; ends with the relay.</summary>
    private CompositeDisposable FollowAgentEvents(ControlPlaneAgent agent)
    {
        var http = _hub.ApiClient(agent.Name, Timeout.InfiniteTimeSpan);
        var client = new AgentEventsClient(http, _logger);
        var subscription = client
            .EventsAt(new Uri("http://agent/api/v0/events"), "relay", _scheduler)
            .Subscribe(agent.ReportAgentEvent, error => _logger.AgentEventsNotFollowed(agent.Name, error.Message));
        return new CompositeDisposable(subscription, client, http);
    }
}
