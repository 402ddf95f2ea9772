using Agent.Reactive.Protocol;
using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// Finds the token of a request. An explicit one wins: the <c>Coder-Session-Token</c> header, then the
/// <c>coder_session_token</c> query parameter; then the cookies, which a browser adds by itself: the dashboard's
/// session (<see cref="BrowserSessions.CookieName"/>, resolved to the user token it was made from), then Coder's
/// <c>coder_session_token</c> cookie.
/// </summary>
internal static class SessionTokens
{
    public const string CookieOrQueryName = "coder_session_token";

    /// <summary>The token of <paramref name="request"/>, or <c>null</c>; agent tokens never come from a dashboard session.</summary>
    public static string? Find(HttpRequest request) => Explicit(request) ?? CoderCookie(request);

    /// <summary>
    /// The token of <paramref name="request"/>, and whether a cookie carried it (then the request may come from any
    /// web page the browser shows, and its <c>Origin</c> decides). A dashboard session that is no longer live counts
    /// as no cookie.
    /// </summary>
    public static async Task<(string? Token, bool FromCookie)> FindAsync(HttpRequest request, BrowserSessions sessions, CancellationToken cancellationToken)
    {
        if (Explicit(request) is { } token)
            return (token, false);
        if (await sessions.FindUserTokenAsync(BrowserSessions.CookieValue(request), cancellationToken).ConfigureAwait(false) is { } signedIn)
            return (signedIn, true);
        return CoderCookie(request) is { } cookie ? (cookie, true) : (null, false);
    }

    private static string? Explicit(HttpRequest request)
    {
        var header = request.Headers[SessionTokenHeader.Name].ToString();
        if (!string.IsNullOrEmpty(header))
            return header;
        var query = request.Query[CookieOrQueryName].ToString();
        return string.IsNullOrEmpty(query) ? null : query;
    }

    private static string? CoderCookie(HttpRequest request)
        => request.Cookies.TryGetValue(CookieOrQueryName, out var cookie) && !string.IsNullOrEmpty(cookie) ? cookie : null;
}
