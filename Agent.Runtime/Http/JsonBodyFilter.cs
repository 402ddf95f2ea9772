using Agent.Runtime.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Agent.Runtime.Http;

/// <summary>
/// Middleware: a POST, PUT or PATCH to the JSON API (<c>/api/...</c>) must say <c>Content-Type: application/json</c>
/// (parameters such as <c>charset</c> allowed); anything else is answered <c>415</c> and its body is not read. A web
/// page can send a "simple" cross-site <c>text/plain</c> POST without asking; it cannot send <c>application/json</c>
/// without a CORS preflight, which this server never grants.
/// </summary>
internal sealed class JsonBodyFilter
{
    private readonly RequestDelegate _next;
    private readonly ILogger _logger;
    private readonly LogThrottle _refusals = new(BrowserGuardLog.Interval);

    public JsonBodyFilter(RequestDelegate next, ILogger logger)
    {
        _next = next;
        _logger = logger;
    }

    /// <summary>Whether <paramref name="contentType"/> is <c>application/json</c>, with or without parameters.</summary>
    public static bool IsJson(string? contentType)
        => MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            && parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var carriesBody = HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method);
        if (!carriesBody || !request.Path.StartsWithSegments("/api", StringComparison.Ordinal) || IsJson(request.ContentType))
            return _next(context);
        _logger.BodyTypeRefused(_refusals, context);
        return ApiResponses.WriteErrorAsync(
            context,
            StatusCodes.Status415UnsupportedMediaType,
            "Unsupported media type.",
            "Request bodies of the API must be sent with Content-Type: application/json.");
    }
}
