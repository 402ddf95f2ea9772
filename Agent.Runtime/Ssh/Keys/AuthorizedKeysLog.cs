using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Keys;

/// <summary>Log events of the authorized_keys file (event ids 2030-2039), once per version of the file.</summary>
internal static partial class AuthorizedKeysLog
{
    [LoggerMessage(EventId = 2030, Level = LogLevel.Warning, Message = "No authorized keys file at {Path}: no key can log in")]
    public static partial void AuthorizedKeysMissing(this ILogger logger, string path);

    [LoggerMessage(EventId = 2031, Level = LogLevel.Warning, Message = "The authorized keys file {Path} is not used ({Why}): no key can log in")]
    public static partial void AuthorizedKeysUnreadable(this ILogger logger, string path, string why);

    [LoggerMessage(EventId = 2032, Level = LogLevel.Debug, Message = "Read {Count} authorized keys from {Path} ({Size} bytes)")]
    public static partial void AuthorizedKeysLoaded(this ILogger logger, string path, int count, long size);
}
