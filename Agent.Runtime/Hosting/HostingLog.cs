using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Hosting;

/// <summary>Log messages of the agent's own files (event ids 3020–3039).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 3020, Level = LogLevel.Warning, Message = "Cannot write the log file {Path}: {Reason}; logging to stderr only")]
    public static partial void AgentLogSkipped(this ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Warning, Message = "Replaced {Path}: it was {Found}, not a private file of this user")]
    public static partial void ReplacedUnsafeLogFile(this ILogger logger, string path, string found);
}
