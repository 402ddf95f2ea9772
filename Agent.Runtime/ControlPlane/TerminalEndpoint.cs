using System.Globalization;
using Agent.Runtime.Relay;
using Agent.Runtime.Terminal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// <c>GET /api/v2/workspaceagents/{name}/pty?reconnect=&amp;width=&amp;height=&amp;command=</c> as a WebSocket for a
/// user token (Coder's web terminal endpoint): the init frame is built from the query, then client messages (text
/// or binary) carry the JSON requests and server binary messages the raw output. It reaches the agent's port 2 through the relay.
/// </summary>
internal sealed class TerminalEndpoint
{
    private readonly ControlPlaneStore _store;
    private readonly RelayHub _hub;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;

    public TerminalEndpoint(ControlPlaneStore store, RelayHub hub, ILogger logger, CancellationToken stopping)
    {
        _store = store;
        _hub = hub;
        _logger = logger;
        _stopping = stopping;
    }

    public void Map(IEndpointRouteBuilder routes) => routes.MapGet("/api/v2/workspaceagents/{name}/pty", ServeAsync);

    private static bool TryParseSize(string value, out ushort size)
    {
        size = 0;
        return value.Length == 0 || ushort.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out size);
    }

    private async Task ServeAsync(HttpContext context)
    {
        var agent = await UserAccess.FindAgentAsync(context, _store);
        if (agent is null)
            return;
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await ConnectEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Expected a WebSocket upgrade.");
            return;
        }

        var query = context.Request.Query;
        var reconnect = query["reconnect"].ToString();
        if (reconnect.Length == 0 || !TryParseSize(query["width"].ToString(), out var width) || !TryParseSize(query["height"].ToString(), out var height))
        {
            await ConnectEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Invalid query: reconnect is required; width and height are numbers from 0 to 65535");
            return;
        }

        byte[] frame;
        try
        {
            frame = TerminalServer.EncodeInit(new TerminalInit { Id = reconnect, Width = width, Height = height, Command = query["command"].ToString() });
        }
        catch (ArgumentException e)
        {
            await ConnectEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"Invalid query: {e.Message}");
            return;
        }

        Stream stream;
        try
        {
            stream = await _hub.OpenAsync(agent.Name, RelayPorts.ReconnectingPty, context.RequestAborted);
        }
        catch (RelayOpenException e)
        {
            await ConnectEndpoint.WriteErrorAsync(context, e.StatusCode, e.Message);
            return;
        }

        // The stream is this request's until the splice takes it: a failed or abandoned first write closes it (a forwarded
        // one is a WebSocket to the replica that holds the relay, which would otherwise stay open until its keep-alive).
        try
        {
            await stream.WriteAsync(frame, context.RequestAborted);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            await stream.DisposeAsync();
            if (e is IOException)
                await ConnectEndpoint.WriteErrorAsync(context, StatusCodes.Status502BadGateway, $"agent {agent.Name} closed the connection: {e.Message}");
            return;
        }

        _logger.WebTerminalConnected(reconnect, agent.Name);
        await ConnectEndpoint.SpliceAsync(context, stream, $"Web terminal {reconnect} of agent {agent.Name}", _logger, _stopping);
        _logger.WebTerminalDisconnected(reconnect, agent.Name);
    }
}
