using Agent.Reactive.Protocol;
using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.ControlPlane;

/// <summary>Finds the session token of a request where Coder looks: cookie, then query, then header.</summary>
internal static class SessionTokens
{
    public const string CookieOrQueryName = "coder_session_token";

    public static string? Find(HttpRequest request)
    {
        if (request.Cookies.TryGetValue(CookieOrQueryName, out var cookie) && !string.IsNullOrEmpty(cookie))
            return cookie;
        var query = request.Query[CookieOrQueryName].ToString();
        if (!string.IsNullOrEmpty(query))
            return query;
        var header = request.Headers[SessionTokenHeader.Name].ToString();
        return string.IsNullOrEmpty(header) ? null : header;
    }
}
