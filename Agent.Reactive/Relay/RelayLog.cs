using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Relay;

/// <summary>Log events of the relay loop (event ids 5770–5779).</summary>
internal static partial class RelayLog
{
    /// <summary><paramref name="error"/> is null for network weather, so no stack trace is logged.</summary>
    [LoggerMessage(EventId = 5770, Level = LogLevel.Warning, Message = "Relay to the control plane lost: {Reason}; reconnecting in {Delay}")]
    public static partial void Lost(this ILogger logger, Exception? error, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 5771, Level = LogLevel.Information, Message = "Relay to the control plane connected")]
    public static partial void Connected(this ILogger logger);

    [LoggerMessage(EventId = 5772, Level = LogLevel.Debug, Message = "Relay ping failed: {Reason}")]
    public static partial void PingFailed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 5773, Level = LogLevel.Debug, Message = "Closing the relay failed")]
    public static partial void CloseFailed(this ILogger logger, Exception? error);
}
