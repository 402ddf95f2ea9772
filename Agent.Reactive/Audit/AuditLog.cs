using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Audit;

/// <summary>Log events of the connection reports' shipping (event ids 6740–6744).</summary>
internal static partial class AuditLog
{
    [LoggerMessage(EventId = 6740, Level = LogLevel.Warning, Message = "More than {MaxBytes} bytes of connection reports wait for the control plane; dropping new ones (the next batch states how many)")]
    public static partial void ReportsOverflowing(this ILogger logger, long maxBytes);

    [LoggerMessage(EventId = 6741, Level = LogLevel.Warning, Message = "The control plane refused {Count} connection reports; they count as dropped")]
    public static partial void ReportsRefused(this ILogger logger, Exception error, int count);

    [LoggerMessage(EventId = 6742, Level = LogLevel.Information, Message = "The control plane does not take connection reports (404); not sending them on this connection")]
    public static partial void ReportsUnsupported(this ILogger logger);

    [LoggerMessage(EventId = 6743, Level = LogLevel.Warning, Message = "Sending connection reports failed, retrying in {Delay}")]
    public static partial void ReportsRetrying(this ILogger logger, Exception error, TimeSpan delay);
}
