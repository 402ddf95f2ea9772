using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>
/// The dashboard's sign-in as the proxy needs it: the session a request's <c>agent_session</c> cookie names, kept by
/// its digest only, and whether that session still lives (not signed out here or on another replica, not expired, its
/// user token still in the workspace file).
/// </summary>
internal sealed class DashboardSessions(ControlPlaneStore store)
{
    /// <summary>The digest of the request's live dashboard session, or <c>null</c>.</summary>
    public async Task<string?> SessionOfAsync(HttpRequest request, CancellationToken cancellationToken)
        => await store.Sessions.FindUserTokenAsync(BrowserSessions.CookieValue(request), cancellationToken).ConfigureAwait(false) is null
            ? null
            : BearerSecrets.Digest(BrowserSessions.CookieValue(request)!);

    /// <summary>Whether the session whose digest is <paramref name="session"/> still lives.</summary>
    public async Task<bool> IsActiveAsync(string session, CancellationToken cancellationToken)
        => await store.Sessions.FindUserTokenByDigestAsync(session, cancellationToken).ConfigureAwait(false) is not null;
}
