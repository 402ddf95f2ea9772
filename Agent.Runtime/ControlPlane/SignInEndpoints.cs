using Agent.Runtime.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The dashboard's sign-in and sign-out. <c>GET /login?token=USER_TOKEN[&amp;next=/path]</c> exchanges the token once for
/// a session cookie and redirects to <c>next</c> (a path of this server only) without the token, the way Jupyter does;
/// <c>GET /login</c> shows a form that posts a pasted token to <c>POST /login</c> (from a page of this origin only).
/// <c>POST /logout</c>, from a page of this origin, ends the session.
/// </summary>
internal sealed class SignInEndpoints
{
    private readonly ControlPlaneStore _store;
    private readonly ILogger _logger;

    public SignInEndpoints(ControlPlaneStore store, ILogger logger)
    {
        _store = store;
        _logger = logger;
    }

    /// <summary>Where a sign-in goes on to: <paramref name="next"/> when it is a path of this server in printable ASCII (as a <c>Location</c> header must be), else <c>/</c>.</summary>
    public static string LocalPath(string? next)
        => next is { Length: > 0 } && next[0] == '/' && !next.StartsWith("//", StringComparison.Ordinal) && !next.StartsWith("/\\", StringComparison.Ordinal)
            && next.All(c => c is > ' ' and <= '~') && Uri.TryCreate(next, UriKind.Relative, out _)
            ? next
            : "/";

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/login", LoginAsync);
        routes.MapPost("/login", LoginFormAsync);
        routes.MapPost("/logout", LogoutAsync);
    }

    private static CookieOptions Cookie(HttpRequest request, TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps,
        Path = "/",
        MaxAge = maxAge,
    };

    private async Task LoginAsync(HttpContext context)
    {
        var next = LocalPath(context.Request.Query["next"].ToString());
        var token = context.Request.Query["token"].ToString();
        if (token.Length == 0)
            await SignInPage.WriteAsync(context, StatusCodes.Status200OK, next, problem: null);
        else
            await SignInAsync(context, token, next);
    }

    // The form of the sign-in page posts the pasted token, so it stays out of the address bar and the history; only a
    // page of this origin may post it (no page elsewhere can sign the browser in with a token of its choosing).
    private async Task LoginFormAsync(HttpContext context)
    {
        if (!UserAccess.IsSafeFromOtherPages(context) || !context.Request.HasFormContentType)
        {
            _logger.SignInRefused(_store.Sessions.Refusals, context);
            await SignInPage.WriteAsync(context, StatusCodes.Status403Forbidden, "/", "Sign in from this server's own sign-in page.");
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        await SignInAsync(context, form["token"].ToString(), LocalPath(form["next"].ToString()));
    }

    private async Task SignInAsync(HttpContext context, string token, string next)
    {
        if (!_store.IsUserToken(token))
        {
            _logger.SignInRefused(_store.Sessions.Refusals, context);
            await SignInPage.WriteAsync(context, StatusCodes.Status401Unauthorized, next, "That is not a user token of this control plane.");
            return;
        }

        string id;
        try
        {
            await _store.Sessions.RevokeAsync(BrowserSessions.CookieValue(context.Request), context.RequestAborted);
            id = await _store.Sessions.CreateAsync(token, context.RequestAborted);
        }
        catch (IOException ex)
        {
            _logger.SignInNotKept(ex.Message);
            await SignInPage.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, next, "The control plane cannot keep the sign-in now (its database is unreachable); try again.");
            return;
        }

        context.Response.Cookies.Append(BrowserSessions.CookieName, id, Cookie(context.Request, BrowserSessions.Lifetime));
        _logger.SignedIn(ClientAddress.Of(context), _store.Sessions.Count);
        PageHeaders.SeeOther(context.Response, next);
    }

    private async Task LogoutAsync(HttpContext context)
    {
        if (!UserAccess.IsSafeFromOtherPages(context))
        {
            _logger.SignOutRefused(ClientAddress.Of(context));
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status403Forbidden, "Cross-site request refused.", "Sign out from a page of this server.");
            return;
        }

        try
        {
            await _store.Sessions.RevokeAsync(BrowserSessions.CookieValue(context.Request), context.RequestAborted);
        }
        catch (IOException ex)
        {
            _logger.SignInNotKept(ex.Message);
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "Sign-out not recorded.", "The control plane's database is unreachable; the session still counts on other replicas. Try again.");
            return;
        }

        context.Response.Cookies.Delete(BrowserSessions.CookieName, Cookie(context.Request, maxAge: null));
        _logger.SignedOut(ClientAddress.Of(context));
        PageHeaders.SeeOther(context.Response, "/login");
    }
}
