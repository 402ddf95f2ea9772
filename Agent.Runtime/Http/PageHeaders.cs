using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.Http;

/// <summary>
/// The headers every page of the control plane carries: a content security policy that lets a page load, connect
/// to and be framed by its own origin only (no inline script, no plugins, no other site), no MIME sniffing and no
/// referrer (a URL may carry a token).
/// </summary>
internal static class PageHeaders
{
    /// <summary>The dashboard's pages: everything from this origin only, styles included.</summary>
    public const string StrictPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-src 'self'; "
        + "frame-ancestors 'self'; base-uri 'none'; form-action 'self'; object-src 'none'";

    /// <summary>
    /// The terminal page: as <see cref="StrictPolicy"/>, but xterm.js writes its theme and cursor styles into
    /// <c>style</c> elements it creates, so styles (never scripts) may be inline.
    /// </summary>
    public const string TerminalPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; connect-src 'self'; "
        + "frame-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'; object-src 'none'";

    /// <summary>Sets the headers on <paramref name="response"/> with <paramref name="policy"/> as its CSP, and no caching.</summary>
    public static void Apply(HttpResponse response, string policy)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = policy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
    }

    /// <summary>
    /// Answers <c>303 See Other</c> to <paramref name="location"/>, never cached and with no referrer: the URL being left
    /// may carry a token or a sign-in code.
    /// </summary>
    public static void SeeOther(HttpResponse response, string location)
    {
        response.StatusCode = StatusCodes.Status303SeeOther;
        response.Headers.Location = location;
        response.Headers.CacheControl = "no-store";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
