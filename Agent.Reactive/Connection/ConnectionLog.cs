using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Connection;

/// <summary>Log events of the connection loop (event ids 5710–5719).</summary>
internal static partial class ConnectionLog
{
    /// <summary><paramref name="error"/> is null for expected weather (refusal, unreachable), so no stack trace is logged.</summary>
    [LoggerMessage(EventId = 5710, Level = LogLevel.Warning, Message = "Lost the control plane: {Reason}; reconnecting in {Delay}")]
    public static partial void Lost(this ILogger logger, Exception? error, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 5711, Level = LogLevel.Information, Message = "Connected to the control plane (version {Version}, directory {Directory})")]
    public static partial void Connected(this ILogger logger, string version, string directory);

    [LoggerMessage(EventId = 5712, Level = LogLevel.Information, Message = "The manifest changed (directory {Directory})")]
    public static partial void ManifestChanged(this ILogger logger, string directory);
}
