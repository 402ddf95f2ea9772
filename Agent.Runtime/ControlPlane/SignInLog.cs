using Agent.Runtime.Http;
using Agent.Runtime.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>The dashboard's sign-in (event ids 6650–6659): who signed in or out, and what was refused. Never a token or a session id.</summary>
internal static partial class SignInLog
{
    public static void SignInRefused(this ILogger logger, LogThrottle throttle, HttpContext context)
    {
        if (throttle.TryEnter(out var suppressed))
            logger.SignInRefused(ClientAddress.Of(context), suppressed);
    }

    public static void CookieRequestRefused(this ILogger logger, LogThrottle throttle, HttpContext context)
    {
        if (throttle.TryEnter(out var suppressed))
            logger.CookieRequestRefused(ClientAddress.Of(context), context.Request.Method, context.Request.Path.Value ?? string.Empty, suppressed);
    }

    [LoggerMessage(EventId = 6650, Level = LogLevel.Information, Message = "Dashboard: signed in from {Remote} ({Sessions} session(s) now)")]
    public static partial void SignedIn(this ILogger logger, string remote, int sessions);

    [LoggerMessage(EventId = 6651, Level = LogLevel.Information, Message = "Dashboard: signed out from {Remote}")]
    public static partial void SignedOut(this ILogger logger, string remote);

    [LoggerMessage(EventId = 6654, Level = LogLevel.Warning, Message = "Dashboard: refused a sign-out from {Remote}: not from a page of this server's origin")]
    public static partial void SignOutRefused(this ILogger logger, string remote);

    [LoggerMessage(EventId = 6655, Level = LogLevel.Error, Message = "Dashboard: a sign-in or sign-out could not be kept in the database: {Reason}")]
    public static partial void SignInNotKept(this ILogger logger, string reason);

    [LoggerMessage(EventId = 6652, Level = LogLevel.Warning, Message = "Dashboard: refused a sign-in from {Remote}: not a user token of the workspace file ({Suppressed} more refused since the last line)")]
    private static partial void SignInRefused(this ILogger logger, string remote, int suppressed);

    [LoggerMessage(EventId = 6653, Level = LogLevel.Warning, Message = "Refused {Method} {Path} from {Remote}: signed in by cookie, but not from a page of this server's origin ({Suppressed} more refused since the last line)")]
    private static partial void CookieRequestRefused(this ILogger logger, string remote, string method, string path, int suppressed);
}
