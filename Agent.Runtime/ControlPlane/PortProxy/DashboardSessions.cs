using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>
/// The dashboard's sign-in as the proxy needs it: the session a request's <c>agent_session</c> cookie names, and
/// whether that session still lives (not signed out, not expired, its user token still in the workspace file).
/// </summary>
internal sealed class DashboardSessions(ControlPlaneStore store)
{
    /// <summary>The session id of the request's dashboard cookie when it is live, or <c>null</c>.</summary>
    public string? SessionOf(HttpRequest request)
        => BrowserSessions.CookieValue(request) is { } id && IsActive(id) ? id : null;

    public bool IsActive(string session) => store.Sessions.FindUserToken(session) is { } token && store.IsUserToken(token);
}
