using System.Globalization;
using Agent.Runtime.Http;
using Agent.Runtime.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>
/// <c>GET /api/v2/applications/auth-redirect?to=URL</c> on the dashboard's origin (Coder's name): with the dashboard's
/// session cookie, and when <c>to</c> is a port-proxy address of an agent on this server's port, makes a one-time code
/// for that proxy host and session and sends the browser to the host's callback with it. Without a session it sends
/// the browser to sign in first and back here. Any other <c>to</c> is refused: no redirect leaves this server.
/// </summary>
internal sealed class AuthRedirectEndpoint
{
    public const string Path = "/api/v2/applications/auth-redirect";

    private readonly PortProxyRoute _route;
    private readonly PortProxyGrants _grants;
    private readonly Func<Uri> _dashboard;
    private readonly ILogger _logger;
    private readonly LogThrottle _refusals = new(BrowserGuardLog.Interval);

    public AuthRedirectEndpoint(PortProxyRoute route, PortProxyGrants grants, Func<Uri> dashboard, ILogger logger)
    {
        _route = route;
        _grants = grants;
        _dashboard = dashboard;
        _logger = logger;
    }

    /// <summary>This endpoint's address on <paramref name="dashboard"/> for the proxy URL <paramref name="target"/>.</summary>
    public static string Location(Uri dashboard, string target)
        => $"{dashboard.GetLeftPart(UriPartial.Authority)}{Path}?to={Uri.EscapeDataString(target)}";

    public void Map(IEndpointRouteBuilder routes) => routes.MapGet(Path, ServeAsync);

    private async Task ServeAsync(HttpContext context)
    {
        var to = context.Request.Query["to"].ToString();
        var port = _dashboard().Port;
        if (!Uri.TryCreate(to, UriKind.Absolute, out var target)
            || target.Scheme != Uri.UriSchemeHttp
            || target.UserInfo.Length > 0
            || target.Port != port
            || !PortProxyHost.TryParse(target.Host, out var host)
            || _route.AgentOf(host) is null)
        {
            if (_refusals.TryEnter(out var suppressed))
                _logger.AuthRedirectRefused(ClientAddress.Of(context), to.Length > 120 ? to[..120] : to, suppressed);
            await ProxyAnswers.TextAsync(context, StatusCodes.Status400BadRequest, "Refused: \"to\" must be http://PORT--AGENT.localhost:" + port.ToString(CultureInfo.InvariantCulture) + "/... for an agent of this workspace.");
            return;
        }

        var session = await _grants.Sessions.SessionOfAsync(context.Request, context.RequestAborted);
        if (session is null)
        {
            PageHeaders.SeeOther(context.Response, "/login?next=" + Uri.EscapeDataString($"{Path}?to={Uri.EscapeDataString(to)}"));
            return;
        }

        var code = _grants.Codes.Add(host.Name, session);
        var callback = $"http://{host.Name}:{port.ToString(CultureInfo.InvariantCulture)}{PortProxyMiddleware.CallbackPath}?code={Uri.EscapeDataString(code)}&redirect={Uri.EscapeDataString(target.PathAndQuery)}";
        PageHeaders.SeeOther(context.Response, callback);
    }
}
