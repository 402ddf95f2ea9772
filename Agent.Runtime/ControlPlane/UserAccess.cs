using Agent.Reactive.Protocol;
using Agent.Runtime.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>The user side's check: a user token of the workspace file (or a dashboard session made from one), and an agent of that name.</summary>
internal static class UserAccess
{
    /// <summary>
    /// Whether the request carries a user token; answers 401 when not, 403 when a cookie carried it into a request that
    /// changes something or opens a WebSocket without this server's own <c>Origin</c>, and 503 when the users'
    /// connections are at their cap.
    /// </summary>
    public static async Task<bool> IsUserAsync(HttpContext context, ControlPlaneStore store)
    {
        var (token, fromCookie) = await SessionTokens.FindAsync(context.Request, store.Sessions, context.RequestAborted);
        if (token is not null && store.IsUserToken(token))
        {
            if (!fromCookie || IsSafeFromOtherPages(context))
                return await ConnectionAdmission.AdmitUserAsync(context);
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger<BrowserSessions>().CookieRequestRefused(store.Sessions.Refusals, context);
            await ApiResponses.WriteErrorAsync(
                context,
                StatusCodes.Status403Forbidden,
                "Cross-site request refused.",
                "A request signed in by cookie that changes something or opens a WebSocket must come from a page of this server's own origin.");
            return false;
        }

        await ApiResponses.WriteErrorAsync(
            context,
            StatusCodes.Status401Unauthorized,
            token is null ? "Authentication required." : "Invalid user token.",
            $"Send a user token of the workspace file in the {SessionTokenHeader.Name} header or the {SessionTokens.CookieOrQueryName} query parameter, or sign in at /login.");
        return false;
    }

    /// <summary>The agent named in the route, or <c>null</c> after answering 401, 403 or 404.</summary>
    public static async Task<ControlPlaneAgent?> FindAgentAsync(HttpContext context, ControlPlaneStore store)
    {
        if (!await IsUserAsync(context, store))
            return null;

        var name = context.Request.RouteValues["name"] as string ?? string.Empty;
        var agent = store.FindByName(name);
        if (agent is null)
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, "Workspace agent not found.", $"no agent is called \"{name}\"");
        return agent;
    }

    /// <summary>
    /// Whether a cookie-authenticated request may go on: a GET or HEAD that opens no WebSocket (a page of another
    /// origin cannot read its answer), or anything whose <c>Origin</c> is this server's own. A browser sends
    /// <c>Origin</c> with every such request, so a missing one is refused too.
    /// </summary>
    public static bool IsSafeFromOtherPages(HttpContext context)
    {
        var request = context.Request;
        var opensSocket = context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
            || context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true;
        if (!opensSocket && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
            return true;
        var origin = request.Headers.Origin;
        return origin.Count == 1 && SameOriginFilter.IsSameOrigin(origin.ToString(), request.Host);
    }
}
