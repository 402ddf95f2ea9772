using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>What the agent API says about reports its database could not keep (event ids 6520–6539, with <c>Persistence/DatabaseJournalLog</c>).</summary>
internal static partial class AgentJournalLog
{
    [LoggerMessage(EventId = 6520, Level = LogLevel.Warning, Message = "Agent {Agent}: its {Report} was not stored ({Reason}); answered 503, the agent retries")]
    public static partial void ReportNotKept(this ILogger logger, string agent, string report, string reason);
}
