using System.Net;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Net;

/// <summary>Log events of accept loops (event ids 2040-2049).</summary>
internal static partial class AcceptLog
{
    [LoggerMessage(EventId = 2040, Level = LogLevel.Warning, Message = "Accepting connections on {Listener} failed: {Error} ({Code}); retrying from 5 ms, backing off to 1 s, quiet until it works again")]
    public static partial void AcceptFailing(this ILogger logger, string listener, string error, System.Net.Sockets.SocketError code);

    [LoggerMessage(EventId = 2041, Level = LogLevel.Information, Message = "Accepting connections on {Listener} works again after {Failures} failed attempts over {Duration}")]
    public static partial void AcceptRecovered(this ILogger logger, string listener, int failures, TimeSpan duration);

    /// <summary>A report that logs the burst on <paramref name="logger"/> naming <paramref name="listener"/>.</summary>
    public static AcceptBurstReport Report(this ILogger logger, EndPoint listener)
    {
        var name = listener.ToString() ?? "a listener";
        return new AcceptBurstReport(
            e => logger.AcceptFailing(name, e.Message, e.SocketErrorCode),
            (failures, duration) => logger.AcceptRecovered(name, failures, duration));
    }
}
