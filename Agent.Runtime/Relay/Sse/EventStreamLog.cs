using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Relay.Sse;

/// <summary>Log messages of the event streams (event ids 4000-4009).</summary>
internal static partial class EventStreamLog
{
    [LoggerMessage(
        EventId = 4000,
        Level = LogLevel.Warning,
        Message = "Event stream client {Client} of {Path} fell too far behind ({Bytes} bytes waiting, at most {Budget} after the snapshot): disconnected, it reconnects for a fresh snapshot")]
    public static partial void ClientTooFarBehind(ILogger logger, string client, string path, long bytes, long budget);
}
