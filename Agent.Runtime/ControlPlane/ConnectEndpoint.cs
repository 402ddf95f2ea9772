using System.Globalization;
using Agent.Runtime.Http;
using Agent.Runtime.Relay;
using Agent.Runtime.Relay.Splice;
using Agent.Runtime.Relay.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// <c>GET /api/v2/workspaceagents/{name}/connect?port=N</c> (user token): a WebSocket carrying the bytes of a relayed
/// stream to port N of the agent. Failures to reach the port are HTTP errors before the upgrade, with the message
/// also in <see cref="RelayHandshake.ErrorHeader"/> (WebSocket clients do not see response bodies); a stream that fails later is closed with status 1011 and the reason.
/// </summary>
internal sealed class ConnectEndpoint
{
    private readonly ControlPlaneStore _store;
    private readonly RelayHub _hub;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;

    public ConnectEndpoint(ControlPlaneStore store, RelayHub hub, ILogger logger, CancellationToken stopping)
    {
        _store = store;
        _hub = hub;
        _logger = logger;
        _stopping = stopping;
    }

    /// <summary>Answers an error with its message in the body and in <see cref="RelayHandshake.ErrorHeader"/>.</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.Headers[RelayHandshake.ErrorHeader] = message.ReplaceLineEndings(" ");
        return ApiResponses.WriteErrorAsync(context, status, message);
    }

    /// <summary>Splices an accepted WebSocket with a relayed stream until both ends closed; logs a failure.</summary>
    public static async Task SpliceAsync(HttpContext context, Stream stream, string what, ILogger logger, CancellationToken stopping)
    {
        await using (stream.ConfigureAwait(false))
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await using var client = new DuplexWebSocketStream(socket);
            using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            var failure = await StreamSplice.RunAsync(client, stream, ending.Token);
            if (failure is not null)
                logger.RelayedStreamEnded(what, RelayHub.StreamId(stream), failure);
        }
    }

    public void Map(IEndpointRouteBuilder routes) => routes.MapGet("/api/v2/workspaceagents/{name}/connect", ServeAsync);

    private async Task ServeAsync(HttpContext context)
    {
        var agent = await UserAccess.FindAgentAsync(context, _store);
        if (agent is null)
            return;
        if (!int.TryParse(context.Request.Query["port"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > ushort.MaxValue)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "port must be a number from 1 to 65535");
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Expected a WebSocket upgrade.");
            return;
        }

        Stream stream;
        try
        {
            stream = await _hub.OpenAsync(agent.Name, port, context.RequestAborted);
        }
        catch (RelayOpenException e)
        {
            await WriteErrorAsync(context, e.StatusCode, e.Message);
            return;
        }

        var streamId = RelayHub.StreamId(stream);
        using var scope = _logger.BeginStreamScope(agent.Name, streamId);
        _logger.ClientConnected(port, agent.Name, streamId);
        await SpliceAsync(context, stream, $"Connection to port {port} of agent {agent.Name}", _logger, _stopping);
    }
}
