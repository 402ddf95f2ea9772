using System.Globalization;
using Agent.Runtime.Net;
using Agent.Runtime.Terminal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Dev;

/// <summary>
/// <c>GET /api/v2/workspaceagents/{name}/pty?reconnect=&amp;width=&amp;height=&amp;command=</c> as a WebSocket for a
/// user token (Coder's web terminal endpoint): the init frame is built from the query, then client messages (text
/// or binary) carry the JSON requests and server binary messages the raw output.
/// </summary>
internal sealed class PtyEndpoint
{
    private readonly ControlPlaneStore _store;
    private readonly LocalAgents _local;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;

    public PtyEndpoint(ControlPlaneStore store, LocalAgents local, ILogger logger, CancellationToken stopping)
    {
        _store = store;
        _local = local;
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
        var token = SessionTokens.Find(context.Request);
        if (token is null || !_store.IsUserToken(token))
        {
            await ApiResponses.WriteErrorAsync(
                context,
                StatusCodes.Status401Unauthorized,
                token is null ? "Authentication required." : "Invalid user token.",
                $"Send a user token of the workspace file in the {HttpControlPlaneClient.SessionTokenHeader} header or the {SessionTokens.CookieOrQueryName} query parameter.");
            return;
        }

        var name = context.Request.RouteValues["name"] as string ?? string.Empty;
        if (_store.FindByName(name) is null)
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, "Workspace agent not found.", $"no agent is called \"{name}\"");
            return;
        }

        var serve = _local.FindPty(name);
        if (serve is null)
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status502BadGateway, "the agent is not reachable");
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Expected a WebSocket upgrade.");
            return;
        }

        var query = context.Request.Query;
        var reconnect = query["reconnect"].ToString();
        if (reconnect.Length == 0 || !TryParseSize(query["width"].ToString(), out var width) || !TryParseSize(query["height"].ToString(), out var height))
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Invalid query.", "reconnect is required; width and height are numbers from 0 to 65535");
            return;
        }

        byte[] frame;
        try
        {
            frame = ReconnectingPtyServer.EncodeInit(new ReconnectingPtyInit { Id = reconnect, Width = width, Height = height, Command = query["command"].ToString() });
        }
        catch (ArgumentException e)
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Invalid query.", e.Message);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping);
        _logger.LogInformation("Web terminal {Id} of agent {Agent} connected", reconnect, name);
        await serve(new WebSocketStream(socket, frame), ending.Token);
        _logger.LogInformation("Web terminal {Id} of agent {Agent} disconnected", reconnect, name);
    }
}
