using Agent.Runtime.Http;
using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.ControlPlane.Dashboard;

/// <summary>
/// The dashboard's files (<c>web/dashboard/</c>), embedded into the binary at build time: served under
/// <c>/dashboard/</c> to anyone (they hold no data; the sign-in page may use the stylesheet), with the pages'
/// security headers.
/// </summary>
internal static class DashboardAssets
{
    /// <summary>Each file of <c>/dashboard/</c>: its name and content type (its resource is <c>dashboard/NAME</c>).</summary>
    public static readonly IReadOnlyDictionary<string, string> Files = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["dashboard.css"] = "text/css; charset=utf-8",
        ["favicon.svg"] = "image/svg+xml",
        ["agent.js"] = JavaScript,
        ["apps.js"] = JavaScript,
        ["badges.js"] = JavaScript,
        ["chart.js"] = JavaScript,
        ["chrome.js"] = JavaScript,
        ["connections.js"] = JavaScript,
        ["dom.js"] = JavaScript,
        ["format.js"] = JavaScript,
        ["lifecycle.js"] = JavaScript,
        ["links.js"] = JavaScript,
        ["list.js"] = JavaScript,
        ["logs.js"] = JavaScript,
        ["metadata.js"] = JavaScript,
        ["resources.js"] = JavaScript,
        ["player.js"] = JavaScript,
        ["recordings.js"] = JavaScript,
        ["stats.js"] = JavaScript,
        ["stream.js"] = JavaScript,
        ["tabs.js"] = JavaScript,
    };

    private const string JavaScript = "text/javascript; charset=utf-8";

    /// <summary>Writes the embedded <paramref name="resource"/> with <paramref name="status"/>, the content type and the strict page headers.</summary>
    public static Task WriteAsync(HttpContext context, string resource, string contentType, int status = StatusCodes.Status200OK)
        => EmbeddedFile.WriteAsync(context, resource, contentType, PageHeaders.StrictPolicy, status);
}
