using Agent.Runtime.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Dashboard;

/// <summary>
/// The dashboard: <c>/</c> (every agent) and <c>/agents/{name}</c> (one agent) for a signed-in browser (a live
/// <see cref="BrowserSessions"/> cookie; a token in the URL is not a sign-in), and their files under
/// <c>/dashboard/</c>. A browser that is not signed in is sent to <c>/login?next=…</c> (303); an agent
/// that the workspace does not have is a 404 page. The pages hold no data: their scripts read it from the user API
/// and its event streams.
/// </summary>
internal sealed class DashboardPages
{
    private const string Html = "text/html; charset=utf-8";

    private readonly ControlPlaneStore _store;
    private readonly ILogger _logger;

    /// <param name="store">The agents.</param>
    /// <param name="logger">Where the pages log.</param>
    public DashboardPages(ControlPlaneStore store, ILogger logger)
    {
        _store = store;
        _logger = logger;
    }

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", context => ServePageAsync(context, "dashboard/index.html"));
        routes.MapGet("/agents/{name}", ServeAgentAsync);
        routes.MapGet("/dashboard/{file}", ServeFileAsync);
    }

    /// <summary>The 404 page, for an agent or a dashboard file that does not exist.</summary>
    private static Task NotFoundAsync(HttpContext context)
        => DashboardAssets.WriteAsync(context, "dashboard/not-found.html", Html, StatusCodes.Status404NotFound);

    private static Task ServeFileAsync(HttpContext context)
    {
        var file = context.Request.RouteValues["file"] as string ?? string.Empty;
        return DashboardAssets.Files.TryGetValue(file, out var contentType)
            ? DashboardAssets.WriteAsync(context, $"dashboard/{file}", contentType)
            : NotFoundAsync(context);
    }

    private async Task ServeAgentAsync(HttpContext context)
    {
        if (!await SignedInAsync(context))
            return;
        var name = context.Request.RouteValues["name"] as string ?? string.Empty;
        if (_store.FindByName(name) is not null)
        {
            await DashboardAssets.WriteAsync(context, "dashboard/agent.html", Html);
            return;
        }

        _logger.AgentPageNotFound(name);
        await NotFoundAsync(context);
    }

    private async Task ServePageAsync(HttpContext context, string resource)
    {
        if (await SignedInAsync(context))
            await DashboardAssets.WriteAsync(context, resource, Html);
    }

    /// <summary>Whether the browser is signed in; when not, answers 303 to the sign-in page, which comes back here.</summary>
    private async Task<bool> SignedInAsync(HttpContext context)
    {
        if (await _store.Sessions.IsSignedInAsync(context.Request, context.RequestAborted))
            return true;
        var here = context.Request.Path.ToUriComponent() + context.Request.QueryString.ToUriComponent();
        _logger.PageNeedsSignIn(context.Request.Path.ToString());
        PageHeaders.SeeOther(context.Response, "/login?next=" + Uri.EscapeDataString(here));
        return false;
    }
}
