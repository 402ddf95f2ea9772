using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>
/// The dashboard's sign-in as the proxy needs it: the session a request's <c>agent_session</c> cookie names, and
/// whether that session still lives (not signed out here or on another replica, not expired, its user token still in
/// the workspace file).
/// </summary>
internal sealed class DashboardSessions(ControlPlaneStore store)
{
    /// <summary>The session id of the request's dashboard cookie when it is live, or <c>null</c>.</summary>
    public async Task<string?> SessionOfAsync(HttpRequest request, CancellationToken cancellationToken)
        => BrowserSessions.CookieValue(request) is { } id && await IsActiveAsync(id, cancellationToken).ConfigureAwait(false) ? id : null;

    public async Task<bool> IsActiveAsync(string session, CancellationToken cancellationToken)
        => await store.Sessions.FindUserTokenAsync(session, cancellationToken).ConfigureAwait(false) is not null;
}
