using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Dev;

/// <summary>
/// The refusals of the browser guards (event ids 1000–1009): who (the client's address), what (method and path,
/// never the query, which may hold a token) and why. Header values are cut short and control characters replaced.
/// </summary>
internal static partial class BrowserGuardLog
{
    /// <summary>Paths and header values are logged up to this many characters.</summary>
    private const int MaxValueLength = 120;

    public static void HostRefused(this ILogger logger, HttpContext context)
        => logger.HostRefused(ClientAddress.Of(context), context.Request.Method, Path(context), Shorten(context.Request.Headers.Host));

    public static void CrossOriginRefused(this ILogger logger, HttpContext context)
        => logger.CrossOriginRefused(ClientAddress.Of(context), context.Request.Method, Path(context), Shorten(context.Request.Headers.Origin));

    public static void BodyTypeRefused(this ILogger logger, HttpContext context)
        => logger.BodyTypeRefused(ClientAddress.Of(context), context.Request.Method, Path(context), Shorten(context.Request.ContentType));

    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning, Message = "Refused {Method} {Path} from {Remote}: Host \"{Host}\" is not a loopback name or address, and this listener is on loopback")]
    private static partial void HostRefused(this ILogger logger, string remote, string method, string path, string host);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Refused {Method} {Path} from {Remote}: a WebSocket or event stream asked from the foreign origin \"{Origin}\"")]
    private static partial void CrossOriginRefused(this ILogger logger, string remote, string method, string path, string origin);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Refused {Method} {Path} from {Remote}: the body is \"{ContentType}\", not application/json")]
    private static partial void BodyTypeRefused(this ILogger logger, string remote, string method, string path, string contentType);

    private static string Path(HttpContext context) => Shorten(context.Request.Path.Value);

    private static string Shorten(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return string.Empty;
        var cut = value.Length > MaxValueLength ? value[..MaxValueLength] + "…" : value;
        return string.Create(cut.Length, cut, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
                span[i] = char.IsControl(text[i]) ? '?' : text[i];
        });
    }
}
