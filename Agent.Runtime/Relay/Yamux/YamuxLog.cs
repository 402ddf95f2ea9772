using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Relay.Yamux;

/// <summary>What a yamux session reports (event ids 6000–6019).</summary>
internal static partial class YamuxLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "yamux: go-away sent, {Count} streams finishing")]
    public static partial void GoAwaySent(this ILogger logger, int count);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "yamux: the peer sent go-away; existing streams finish")]
    public static partial void PeerWentAway(this ILogger logger);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Debug, Message = "yamux: refused stream {StreamId}: {Reason}")]
    public static partial void StreamRefused(this ILogger logger, uint streamId, string reason);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "yamux: session ended: {Reason}")]
    public static partial void SessionFailed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "yamux: session ended: {Reason}")]
    public static partial void SessionEnded(this ILogger logger, string reason);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Debug, Message = "yamux: the go-away was not written within {Timeout}")]
    public static partial void GoAwayNotWritten(this ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Debug, Message = "yamux: closing the transport failed")]
    public static partial void TransportCloseFailed(this ILogger logger, Exception exception);
}
