using System.Globalization;
using Agent.Runtime.Http;
using Agent.Runtime.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// <c>GET /api/v2/replicas/streams/{name}?port=N</c> (a replica's credentials, <see cref="ReplicaCredentials"/>): a
/// WebSocket carrying a stream to port N of an agent whose relay this replica holds, for a peer that does not hold it.
/// Only relays held here are served (never a second hop), with <c>/connect</c>'s errors. Browsers have no business here:
/// a request with an <c>Origin</c> or a cookie is refused (403), as is every credential but a live replica's (401,
/// connection closed; the attempts stay in the unauthenticated budget). Admitted peers count in their own pool.
/// </summary>
internal sealed class ReplicaStreamEndpoint
{
    /// <summary>The endpoint's path below the control plane's address, without the agent.</summary>
    public const string PathPrefix = "api/v2/replicas/streams";

    private readonly ControlPlaneStore _store;
    private readonly RelayHub _hub;
    private readonly IRelayDirectory _directory;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly LogThrottle _refusals = new(UnauthenticatedConnections.WarningEvery);

    public ReplicaStreamEndpoint(ControlPlaneStore store, RelayHub hub, IRelayDirectory directory, ILogger logger, CancellationToken stopping)
    {
        _store = store;
        _hub = hub;
        _directory = directory;
        _logger = logger;
        _stopping = stopping;
    }

    public void Map(IEndpointRouteBuilder routes) => routes.MapGet($"/{PathPrefix}/{{name}}", ServeAsync);

    private static bool TryReadCredentials(HttpRequest request, out Guid replica, out string token)
    {
        token = request.Headers[ReplicaCredentials.TokenHeader].ToString();
        return Guid.TryParseExact(request.Headers[ReplicaCredentials.IdHeader].ToString(), "D", out replica) && token.Length is > 0 and <= 256;
    }

    private async Task ServeAsync(HttpContext context)
    {
        if (context.Request.Headers.Origin.Count > 0 || context.Request.Headers.Cookie.Count > 0)
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "Replica streams are not served to browsers.", "a browser's request (Origin or Cookie)");
            return;
        }

        if (!TryReadCredentials(context.Request, out var replica, out var token))
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "Replica credentials required.", "no replica credentials");
            return;
        }

        try
        {
            if (!await _directory.IsPeerAsync(replica, token, context.RequestAborted))
            {
                await RefuseAsync(context, StatusCodes.Status401Unauthorized, "Invalid replica credentials.", $"not a live replica's credentials (claimed id {replica:D})");
                return;
            }
        }
        catch (RelayOpenException e)
        {
            await ConnectEndpoint.WriteErrorAsync(context, e.StatusCode, e.Message);
            return;
        }

        if (!await ConnectionAdmission.AdmitReplicaAsync(context))
            return;
        var name = context.Request.RouteValues["name"] as string ?? string.Empty;
        if (_store.FindByName(name) is null)
        {
            await ConnectEndpoint.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"no agent is called \"{name}\"");
            return;
        }

        if (!int.TryParse(context.Request.Query["port"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > ushort.MaxValue)
        {
            await ConnectEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "port must be a number from 1 to 65535");
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await ConnectEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Expected a WebSocket upgrade.");
            return;
        }

        Stream stream;
        try
        {
            stream = await _hub.OpenHeldAsync(name, port, context.RequestAborted);
        }
        catch (RelayOpenException e)
        {
            await ConnectEndpoint.WriteErrorAsync(context, e.StatusCode, e.Message);
            return;
        }

        _logger.ReplicaStreamOpened(replica, port, name, RelayHub.StreamId(stream));
        await ConnectEndpoint.SpliceAsync(context, stream, $"Replica {replica:D}'s connection to port {port} of agent {name}", _logger, _stopping);
    }

    private Task RefuseAsync(HttpContext context, int status, string message, string reason)
    {
        if (_refusals.TryEnter(out var suppressed))
            _logger.ReplicaRefused(ClientAddress.Of(context), reason, suppressed + 1);
        context.Response.Headers.Connection = "close";
        return ConnectEndpoint.WriteErrorAsync(context, status, message);
    }
}
