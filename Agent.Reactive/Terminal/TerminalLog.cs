using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Terminal;

/// <summary>Log events of the reconnecting terminals (event ids 5780–5789).</summary>
internal static partial class TerminalLog
{
    [LoggerMessage(EventId = 5780, Level = LogLevel.Information, Message = "Terminal {Id} started process {Pid} ({Command})")]
    public static partial void Started(this ILogger logger, string id, int pid, string command);

    [LoggerMessage(EventId = 5781, Level = LogLevel.Information, Message = "Client attached to terminal {Id} ({Clients} attached)")]
    public static partial void Attached(this ILogger logger, string id, int clients);

    [LoggerMessage(EventId = 5782, Level = LogLevel.Information, Message = "Client detached from terminal {Id} ({Clients} attached)")]
    public static partial void Detached(this ILogger logger, string id, int clients);

    [LoggerMessage(EventId = 5783, Level = LogLevel.Warning, Message = "A client of terminal {Id} fell more than {Bytes} bytes behind and was disconnected (it can reconnect and replay)")]
    public static partial void ClientTooSlow(this ILogger logger, string id, int bytes);

    [LoggerMessage(EventId = 5784, Level = LogLevel.Warning, Message = "Reading terminal {Id} failed")]
    public static partial void ReadFailed(this ILogger logger, Exception error, string id);

    [LoggerMessage(EventId = 5785, Level = LogLevel.Information, Message = "Terminal {Id} ended with exit code {Code}")]
    public static partial void Ended(this ILogger logger, string id, int? code);

    [LoggerMessage(EventId = 5786, Level = LogLevel.Information, Message = "Terminal {Id} had no client for {Timeout}: ending it")]
    public static partial void Inactive(this ILogger logger, string id, TimeSpan timeout);
}
