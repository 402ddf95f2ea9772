using System.Collections.Frozen;
using Agent.Reactive.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>
/// What crosses the proxy in each direction: hop-by-hop headers (and those a <c>Connection</c> header names) stay on
/// their hop; the credentials of this server (the proxy's cookie, the dashboard's, a user token in a header, cookie or
/// query) never reach the workspace.
/// </summary>
internal static class ProxyHeaders
{
    /// <summary>The proxy origin's own credential cookie.</summary>
    public const string CookieName = "agent_proxy";

    /// <summary>The dashboard's session cookie (host-only on the dashboard's origin; a workspace page could still toss one with <c>Domain=localhost</c>).</summary>
    public const string DashboardCookieName = "agent_session";

    private static readonly FrozenSet<string> HopByHop = new[]
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Host", "Cookie", SessionTokenHeader.Name,
        "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "Forwarded",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> ResponseHopByHop = new[]
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> Credentials = new[] { CookieName, DashboardCookieName, SessionTokens.CookieOrQueryName }
        .ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The request's headers the workspace may see (the caller adds <c>Host</c>, the cookies and <c>X-Forwarded-*</c>).</summary>
    public static IEnumerable<KeyValuePair<string, StringValues>> Request(IHeaderDictionary headers)
    {
        var named = Named(headers.Connection);
        return headers.Where(header => !HopByHop.Contains(header.Key) && !named.Contains(header.Key));
    }

    /// <summary>The response's headers the browser may see.</summary>
    public static bool PassesBack(string name, IEnumerable<string> connection)
        => !ResponseHopByHop.Contains(name) && !connection.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The request's cookies without this server's credentials, as one <c>Cookie</c> header; <c>null</c> when none is left.</summary>
    public static string? Cookies(IHeaderDictionary headers)
    {
        var kept = new List<string>();
        foreach (var header in headers.Cookie)
        {
            foreach (var pair in (header ?? string.Empty).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? pair : pair[..equals].Trim();
                if (!Credentials.Contains(name))
                    kept.Add(pair);
            }
        }

        return kept.Count == 0 ? null : string.Join("; ", kept);
    }

    /// <summary>The query string without a <c>coder_session_token</c> parameter, the rest byte for byte as sent.</summary>
    public static string Query(QueryString query)
    {
        if (!query.HasValue || query.Value!.Length < 2)
            return query.Value ?? string.Empty;
        var kept = query.Value[1..].Split('&').Where(pair => !IsToken(pair)).ToArray();
        return kept.Length == 0 ? string.Empty : "?" + string.Join('&', kept);
    }

    private static bool IsToken(string pair)
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        var name = Uri.UnescapeDataString((equals < 0 ? pair : pair[..equals]).Replace('+', ' '));
        return string.Equals(name, SessionTokens.CookieOrQueryName, StringComparison.Ordinal);
    }

    private static HashSet<string> Named(StringValues connection)
    {
        var named = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in connection)
        {
            foreach (var token in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                named.Add(token);
        }

        return named;
    }
}
