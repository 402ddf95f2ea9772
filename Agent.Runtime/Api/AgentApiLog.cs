using System.Net;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Api;

/// <summary>What the agent's HTTP API reports about its listeners and failures (event ids 6300–6339).</summary>
internal static partial class AgentApiLog
{
    /// <summary>Where the API listens; the TCP addresses are written out only when the line is.</summary>
    public static void ApiListening(this ILogger logger, string socket, IReadOnlyList<IPEndPoint> tcp)
    {
        if (logger.IsEnabled(LogLevel.Information))
            logger.ApiListening(socket, string.Concat(tcp.Select(endpoint => " and http://" + endpoint)));
    }

    [LoggerMessage(EventId = 6301, Level = LogLevel.Information, Message = "Agent API stopped")]
    public static partial void ApiStopped(this ILogger logger);

    [LoggerMessage(EventId = 6302, Level = LogLevel.Warning, Message = "Could not scan for listening ports")]
    public static partial void PortScanFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6303, Level = LogLevel.Debug, Message = "Agent API: could not clean up its socket")]
    public static partial void ApiSocketNotCleanedUp(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6304, Level = LogLevel.Warning, Message = "Agent API socket {Requested} cannot be used ({Reason}); serving on {Path}")]
    public static partial void ApiSocketMoved(this ILogger logger, string requested, string reason, string path);

    [LoggerMessage(EventId = 6305, Level = LogLevel.Information, Message = "Agent API serving: its first connection came {WaitedMilliseconds:F0} ms after it began listening; Kestrel started in {StartMilliseconds:F1} ms")]
    public static partial void ApiServing(this ILogger logger, double waitedMilliseconds, double startMilliseconds);

    [LoggerMessage(EventId = 6306, Level = LogLevel.Error, Message = "Agent API could not start serving on its first connection; its listeners are closed and connections are refused")]
    public static partial void ApiNotServing(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6300, Level = LogLevel.Information, Message = "Agent API listening on unix:{Socket}{Tcp}")]
    private static partial void ApiListening(this ILogger logger, string socket, string tcp);
}
