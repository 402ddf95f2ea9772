using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>The proxy's own answers: a short plain-text page (never the dashboard's), or a <c>303</c>.</summary>
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

    public static void SeeOther(HttpContext context, string location)
    {
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Location = location;
        context.Response.Headers["Referrer-Policy"] = "no-referrer"; // a sign-in code in the URL never travels on
    }
}
