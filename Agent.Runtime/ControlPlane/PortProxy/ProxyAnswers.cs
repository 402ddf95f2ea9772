using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>The proxy's own answers: a short plain-text page (never the dashboard's).</summary>
internal static class ProxyAnswers
{
    public static Task TextAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return context.Response.WriteAsync(text + "\n", context.RequestAborted);
    }
}
