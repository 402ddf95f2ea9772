using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.Http;

/// <summary>Serves a file embedded into the binary at build time (the web terminal's, the dashboard's) with the pages' headers.</summary>
internal static class EmbeddedFile
{
    /// <summary>
    /// Writes the embedded <paramref name="resource"/> with <paramref name="status"/>, <paramref name="contentType"/> and
    /// <see cref="PageHeaders"/> carrying <paramref name="policy"/>.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, string resource, string contentType, string policy, int status = StatusCodes.Status200OK)
    {
        await using var content = typeof(EmbeddedFile).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{resource} is not embedded in the build");
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        PageHeaders.Apply(context.Response, policy);
        context.Response.ContentLength = content.Length;
        await content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
