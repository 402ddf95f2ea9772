using Agent.Runtime.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Http;

/// <summary>
/// The refusals of the browser guards (event ids 1000–1009): who (the client's address), what (method and path,
/// never the query, which may hold a token) and why. Header values are cut short and control characters replaced.
/// A page that loops refused requests writes one line per <see cref="Interval"/> per guard, with the count held back,
/// so it cannot rotate the agent's log away.
/// </summary>
internal static partial class BrowserGuardLog
{
    /// <summary>Paths and header values are logged up to this many characters.</summary>
    private const int MaxValueLength = 120;

    /// <summary>At most one line per guard this often.</summary>
    public static TimeSpan Interval { get; } = TimeSpan.FromSeconds(10);

    public static void HostRefused(this ILogger logger, LogThrottle throttle, HttpContext context)
    {
        if (throttle.TryEnter(out var suppressed))
            logger.HostRefused(ClientAddress.Of(context), context.Request.Method, Path(context), Shorten(context.Request.Headers.Host), suppressed);
    }

    public static void CrossOriginRefused(this ILogger logger, LogThrottle throttle, HttpContext context)
    {
        if (throttle.TryEnter(out var suppressed))
            logger.CrossOriginRefused(ClientAddress.Of(context), context.Request.Method, Path(context), Shorten(context.Request.Headers.Origin), suppressed);
    }

    public static void BodyTypeRefused(this ILogger logger, LogThrottle throttle, HttpContext context)
    {
        if (throttle.TryEnter(out var suppressed))
            logger.BodyTypeRefused(ClientAddress.Of(context), context.Request.Method, Path(context), Shorten(context.Request.ContentType), suppressed);
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning, Message = "Refused {Method} {Path} from {Remote}: Host \"{Host}\" is not a loopback name or address, and this listener is on loopback ({Suppressed} more refused since the last line)")]
    private static partial void HostRefused(this ILogger logger, string remote, string method, string path, string host, int suppressed);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Refused {Method} {Path} from {Remote}: a WebSocket or event stream asked from the foreign origin \"{Origin}\" ({Suppressed} more refused since the last line)")]
    private static partial void CrossOriginRefused(this ILogger logger, string remote, string method, string path, string origin, int suppressed);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Refused {Method} {Path} from {Remote}: the body is \"{ContentType}\", not application/json ({Suppressed} more refused since the last line)")]
    private static partial void BodyTypeRefused(this ILogger logger, string remote, string method, string path, string contentType, int suppressed);

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
