using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Terminal;

/// <summary>Log events of the reconnecting terminal's connections (event ids 6160–6179).</summary>
internal static partial class TerminalLog
{
    [LoggerMessage(EventId = 6160, Level = LogLevel.Warning, Message = "Reconnecting PTY {Id} refused: {Reason}")]
    public static partial void TerminalRefused(this ILogger logger, string id, string reason);

    [LoggerMessage(EventId = 6161, Level = LogLevel.Error, Message = "Reconnecting PTY {Id}: could not start {Command}")]
    public static partial void TerminalStartFailed(this ILogger logger, Exception exception, string id, string command);

    [LoggerMessage(EventId = 6162, Level = LogLevel.Warning, Message = "Reconnecting PTY {Id}: the client was too slow and is disconnected")]
    public static partial void TerminalClientTooSlow(this ILogger logger, string id);

    [LoggerMessage(EventId = 6163, Level = LogLevel.Warning, Message = "Reconnecting PTY: init frame of {Length} bytes refused (1 to {Max} allowed)")]
    public static partial void InitFrameSizeRefused(this ILogger logger, int length, int max);

    [LoggerMessage(EventId = 6164, Level = LogLevel.Warning, Message = "Reconnecting PTY: the init frame has no ID")]
    public static partial void InitFrameWithoutId(this ILogger logger);

    [LoggerMessage(EventId = 6165, Level = LogLevel.Warning, Message = "Reconnecting PTY: failed to unmarshal init: {Reason}")]
    public static partial void InitFrameMalformed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 6166, Level = LogLevel.Warning, Message = "Reconnecting PTY: the connection ended inside the init frame")]
    public static partial void InitFrameCut(this ILogger logger);

    [LoggerMessage(EventId = 6167, Level = LogLevel.Warning, Message = "Reconnecting PTY: no init frame within {Timeout}")]
    public static partial void InitFrameTimedOut(this ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 6168, Level = LogLevel.Debug, Message = "Reconnecting PTY: the connection ended before its init frame: {Reason}")]
    public static partial void EndedBeforeInitFrame(this ILogger logger, string reason);

    [LoggerMessage(EventId = 6169, Level = LogLevel.Warning, Message = "Reconnecting PTY {Id}: bad request, closing the connection: {Reason}")]
    public static partial void BadRequest(this ILogger logger, string id, string reason);

    [LoggerMessage(EventId = 6170, Level = LogLevel.Warning, Message = "Reconnecting PTY {Id}: closing the connection: {Reason}")]
    public static partial void ConnectionClosing(this ILogger logger, string id, string reason);
}
