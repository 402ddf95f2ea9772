using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>Log events of the control plane's connection reports (event ids 6750–6754).</summary>
internal static partial class ConnectionsLog
{
    [LoggerMessage(EventId = 6750, Level = LogLevel.Warning, Message = "Agent {Agent}: {Count} connection reports were dropped by the agent before this batch")]
    public static partial void ConnectionReportsDropped(this ILogger logger, string agent, int count);
}
