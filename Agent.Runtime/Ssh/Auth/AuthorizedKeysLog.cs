using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Auth;

/// <summary>Log events of the authorized_keys file (event ids 2030-2039, once per version of the file; 5880-5889).</summary>
internal static partial class AuthorizedKeysLog
{
    [LoggerMessage(EventId = 2030, Level = LogLevel.Warning, Message = "No authorized keys file at {Path}: no key can log in")]
    public static partial void AuthorizedKeysMissing(this ILogger logger, string path);

    [LoggerMessage(EventId = 2031, Level = LogLevel.Warning, Message = "The authorized keys file {Path} is not used ({Why}): no key can log in")]
    public static partial void AuthorizedKeysUnreadable(this ILogger logger, string path, string why);

    [LoggerMessage(EventId = 2032, Level = LogLevel.Debug, Message = "Read {Count} authorized keys from {Path} ({Size} bytes)")]
    public static partial void AuthorizedKeysLoaded(this ILogger logger, string path, int count, long size);

    [LoggerMessage(EventId = 5880, Level = LogLevel.Warning, Message = "{Source} line {Line}: longer than {Max} characters; skipped")]
    public static partial void LineTooLong(this ILogger logger, string source, int line, int max);

    [LoggerMessage(EventId = 5881, Level = LogLevel.Warning, Message = "{Source} line {Line}: {Error}; skipped")]
    public static partial void LineSkipped(this ILogger logger, string source, int line, string? error);
}
