using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>What the control plane's database journal reports (event ids 6521–6539; 6520 is in <c>AgentJournalLog</c>).</summary>
internal static partial class DatabaseJournalLog
{
    [LoggerMessage(EventId = 6521, Level = LogLevel.Error, Message = "Agent {Agent}: the database could not store its {Report}")]
    public static partial void WriteFailed(this ILogger logger, Exception exception, string agent, string report);

    [LoggerMessage(EventId = 6522, Level = LogLevel.Warning, Message = "Agent {Agent}: writing its metadata, app health, stats and last-seen time failed; kept pending, tried again in {Interval}")]
    public static partial void FlushFailed(this ILogger logger, Exception exception, string agent, TimeSpan interval);

    [LoggerMessage(EventId = 6523, Level = LogLevel.Information, Message = "Agent {Agent}: restored from the database: {Lifecycle} lifecycle report(s), {Lines} log line(s), last seen {LastSeenAt}")]
    public static partial void AgentRestored(this ILogger logger, string agent, int lifecycle, int lines, DateTimeOffset? lastSeenAt);
}
