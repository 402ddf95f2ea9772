using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Dashboard;

/// <summary>What the dashboard's pages log (event ids 6690–6699).</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(EventId = 6690, Level = LogLevel.Debug, Message = "Dashboard page {Path} asked for without a sign-in: sent to the sign-in page")]
    public static partial void PageNeedsSignIn(this ILogger logger, string path);

    [LoggerMessage(EventId = 6691, Level = LogLevel.Debug, Message = "Dashboard page of agent {Agent} asked for: no agent of that name, answered 404")]
    public static partial void AgentPageNotFound(this ILogger logger, string agent);
}
