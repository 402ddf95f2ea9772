using Agent.Reactive.Protocol;
using Agent.Runtime.Http;
using Agent.Runtime.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>
/// Middleware, first after the loopback Host filter: a request whose Host is <c>{port}--{agent}.localhost</c> is the
/// proxy's alone and never reaches the dashboard, the API, <c>/pty</c> or the other filters (the workspace's own forms
/// must work). It needs the proxy origin's own cookie (or a user token in <c>Coder-Session-Token</c>, for scripts);
/// without it a GET is sent through the dashboard to get one (<see cref="AuthRedirectEndpoint"/>), and the code that
/// comes back is exchanged on <see cref="CallbackPath"/>, which is never forwarded.
/// </summary>
internal sealed class PortProxyMiddleware
{
    public const string CallbackPath = "/.agent-proxy/callback";

    /// <summary>Proxied requests and WebSockets of one agent at once.</summary>
    public const int MaxOpenPerAgent = 256;

    private readonly RequestDelegate _next;
    private readonly ControlPlaneStore _store;
    private readonly PortProxyRoute _route;
    private readonly PortProxyGrants _grants;
    private readonly PortProxyForwarder _forwarder;
    private readonly Func<Uri> _dashboard;
    private readonly ILogger _logger;
    private readonly ProxyAdmission _admission = new(MaxOpenPerAgent);
    private readonly LogThrottle _codeRefusals = new(BrowserGuardLog.Interval);
    private readonly LogThrottle _fullWarnings = new(BrowserGuardLog.Interval);
    private readonly LogThrottle _crossOriginRefusals = new(BrowserGuardLog.Interval);

    public PortProxyMiddleware(RequestDelegate next, ControlPlaneStore store, PortProxyRoute route, PortProxyGrants grants, PortProxyForwarder forwarder, Func<Uri> dashboard, ILogger logger)
    {
        _next = next;
        _store = store;
        _route = route;
        _grants = grants;
        _forwarder = forwarder;
        _dashboard = dashboard;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (!PortProxyHost.IsProxyShaped(context.Request.Host))
        {
            await _next(context);
            return;
        }

        if (!PortProxyHost.TryParse(context.Request.Host.Host, out var host) || _route.AgentOf(host) is not { } agent)
        {
            await ProxyAnswers.TextAsync(context, StatusCodes.Status404NotFound, $"No workspace port here: \"{context.Request.Host.Host}\" is not PORT--AGENT.localhost for an agent of this workspace.");
            return;
        }

        if (PortProxyRoute.Refusal(host.Port) is { } refusal)
        {
            await ProxyAnswers.TextAsync(context, StatusCodes.Status403Forbidden, refusal);
            return;
        }

        if (context.Request.Path.Equals(CallbackPath, StringComparison.Ordinal))
        {
            await SignInAsync(context, host);
            return;
        }

        if (!await IsAllowedAsync(context, host))
            return;
        if (!await ConnectionAdmission.AdmitUserAsync(context))
            return;
        using var slot = _admission.TryEnter(agent);
        if (slot is null)
        {
            if (_fullWarnings.TryEnter(out var suppressed))
                _logger.ProxyFull(agent, _admission.PerAgent, suppressed);
            context.Response.Headers.RetryAfter = ConnectionAdmission.RetryAfterSeconds;
            await ProxyAnswers.TextAsync(context, StatusCodes.Status503ServiceUnavailable, $"Too many open requests to agent {agent} ({_admission.PerAgent} at once); try again shortly.");
            return;
        }

        await _forwarder.ForwardAsync(context, agent, host.Port);
    }

    private async Task<bool> IsAllowedAsync(HttpContext context, PortProxyHost host)
    {
        var token = context.Request.Headers[SessionTokenHeader.Name].ToString();
        if (token.Length > 0)
        {
            if (_store.IsUserToken(token))
                return true;
            await ProxyAnswers.TextAsync(context, StatusCodes.Status401Unauthorized, $"Invalid user token in {SessionTokenHeader.Name}.");
            return false;
        }

        if (context.Request.Cookies.TryGetValue(ProxyHeaders.CookieName, out var credential) && credential.Length > 0 && await _grants.OpensAsync(credential, host.Name, context.RequestAborted))
        {
            // Every *.localhost page is the same site, so the browser sends this Lax cookie from any of them. CORS keeps
            // them from reading a response, but not a WebSocket: a cookie opens one only for a page of this origin.
            if (UserAccess.IsSafeFromOtherPages(context))
                return true;
            if (_crossOriginRefusals.TryEnter(out var suppressed))
                _logger.ProxyCrossOriginRefused(host.Name, ClientAddress.Of(context), suppressed);
            await ProxyAnswers.TextAsync(context, StatusCodes.Status403Forbidden, "Refused: a WebSocket or a request that changes something, signed in by this origin's cookie, must come from a page of this origin.");
            return false;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            await ProxyAnswers.TextAsync(context, StatusCodes.Status401Unauthorized, $"Sign in first: open http://{context.Request.Host}/ in the browser (or send a user token in {SessionTokenHeader.Name}).");
            return false;
        }

        var here = $"http://{context.Request.Host}{context.Request.PathBase.ToUriComponent()}{context.Request.Path.ToUriComponent()}{context.Request.QueryString.ToUriComponent()}";
        PageHeaders.SeeOther(context.Response, AuthRedirectEndpoint.Location(_dashboard(), here));
        return false;
    }

    private async Task SignInAsync(HttpContext context, PortProxyHost host)
    {
        var code = context.Request.Query["code"].ToString();
        var credential = code.Length == 0 ? null : await _grants.RedeemAsync(code, host.Name, context.RequestAborted);
        if (credential is null)
        {
            if (_codeRefusals.TryEnter(out var suppressed))
                _logger.ProxyCodeRefused(host.Name, ClientAddress.Of(context), suppressed);
            await ProxyAnswers.TextAsync(context, StatusCodes.Status401Unauthorized, $"This sign-in link is spent, expired or for another address. Open http://{context.Request.Host}/ again.");
            return;
        }

        context.Response.Cookies.Append(ProxyHeaders.CookieName, credential, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            MaxAge = PortProxyGrants.CredentialLifetime,
        });
        _logger.ProxySignedIn(host.Name, PortProxyGrants.CredentialLifetime.TotalMinutes);
        PageHeaders.SeeOther(context.Response, SignInEndpoints.LocalPath(context.Request.Query["redirect"].ToString()));
    }
}
