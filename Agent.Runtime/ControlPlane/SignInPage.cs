using System.Net;
using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.ControlPlane;

/// <summary>The sign-in form at <c>/login</c>: one field for a user token, posted to <c>/login</c> (so it never stands in a URL).</summary>
internal static class SignInPage
{
    public static Task WriteAsync(HttpContext context, int status, string next, string? problem)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        var error = problem is null ? string.Empty : $"""<p role="alert"><strong>{WebUtility.HtmlEncode(problem)}</strong></p>""";
        return response.WriteAsync(
            $"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><title>Sign in</title><link rel="stylesheet" href="/dashboard/dashboard.css"></head>
            <body>
            <main class="signin">
            <div class="card">
            <h1>Sign in</h1>
            {error}
            <p>Open the <code>Dashboard:</code> URL that <code>agent dev</code> printed, or paste a user token of the workspace file.</p>
            <form method="post" action="/login">
            <input type="hidden" name="next" value="{WebUtility.HtmlEncode(next)}">
            <label for="token">User token</label>
            <input id="token" name="token" type="password" autocomplete="off" required autofocus>
            <button class="button" type="submit">Sign in</button>
            </form>
            </div>
            </main>
            </body>
            </html>

            """,
            context.RequestAborted);
    }
}
