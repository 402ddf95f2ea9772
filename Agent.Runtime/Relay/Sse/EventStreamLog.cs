using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Relay.Sse;

/// <summary>Log messages of the event streams: the server's queue (event ids 4000-4009) and the client (6040-6049).</summary>
internal static partial class EventStreamLog
{
    [LoggerMessage(
        EventId = 4000,
        Level = LogLevel.Warning,
        Message = "Event stream client {Client} of {Path} fell too far behind ({Bytes} bytes waiting, at most {Budget} after the snapshot): disconnected, it reconnects for a fresh snapshot")]
    public static partial void ClientTooFarBehind(ILogger logger, string client, string path, long bytes, long budget);

    [LoggerMessage(EventId = 6040, Level = LogLevel.Information, Message = "Event stream from {Url} lost ({Reason}); reconnecting in {Delay}")]
    public static partial void EventStreamLost(this ILogger logger, Uri url, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 6041, Level = LogLevel.Warning, Message = "Skipped a '{Type}' event without content")]
    public static partial void EventWithoutContent(this ILogger logger, string type);

    [LoggerMessage(EventId = 6042, Level = LogLevel.Warning, Message = "Skipped a '{Type}' event that is not an agent event ({Error}): {Data}")]
    public static partial void EventNotAnAgentEvent(this ILogger logger, string type, string error, string data);
}
