using Agent.Runtime.Net;
using Agent.Runtime.Relay.Sse;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Http;

/// <summary>
/// Middleware: a WebSocket upgrade, or a request to an event stream (<see cref="EventStreamEndpoint"/>), that carries
/// an <c>Origin</c> other than this server's own is answered <c>403</c> before anything else happens. Browsers apply no
/// CORS to WebSockets, so without this any web page could open a terminal with a token it knows. The own origin is
/// the one whose host and port equal the request's <c>Host</c> (as gorilla/websocket checks it); <c>Origin: null</c>
/// (sandboxed frames, <c>file://</c>) is foreign. Requests without <c>Origin</c> (curl, the agent, our CLI) pass.
/// </summary>
internal sealed class SameOriginFilter
{
    private readonly RequestDelegate _next;
    private readonly ILogger _logger;
    private readonly LogThrottle _refusals = new(BrowserGuardLog.Interval);

    public SameOriginFilter(RequestDelegate next, ILogger logger)
    {
        _next = next;
        _logger = logger;
    }

    /// <summary>Whether <paramref name="origin"/> is <c>http(s)://</c> and the host and port of <paramref name="host"/>.</summary>
    public static bool IsSameOrigin(string origin, HostString host)
        => host.HasValue
            && Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.UserInfo.Length == 0
            && string.Equals(origin.TrimEnd('/'), uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Authority, host.Value, StringComparison.OrdinalIgnoreCase);

    public Task InvokeAsync(HttpContext context)
    {
        var origin = context.Request.Headers.Origin;
        if (origin.Count == 0 || !IsGuarded(context) || (origin.Count == 1 && IsSameOrigin(origin.ToString(), context.Request.Host)))
            return _next(context);
        _logger.CrossOriginRefused(_refusals, context);
        return ApiResponses.WriteErrorAsync(
            context,
            StatusCodes.Status403Forbidden,
            "Cross-origin request refused.",
            "WebSockets and event streams are served only to pages of this server's own origin, or to clients that send no Origin.");
    }

    private static bool IsGuarded(HttpContext context)
        => context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
            || context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true
            || context.GetEndpoint()?.Metadata.GetMetadata<EventStreamEndpoint>() is not null;
}
