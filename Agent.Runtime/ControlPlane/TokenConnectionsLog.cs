using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>Log messages of the control plane's budgets of authenticated connections (event ids 6560-6569).</summary>
internal static partial class TokenConnectionsLog
{
    [LoggerMessage(
        EventId = 6560,
        Level = LogLevel.Warning,
        Message = "Refused {Refused} authenticated connection(s) over budget with 503 (the last of agent {Agent}, which holds {Held}; agents hold {Agents}, users {Users})")]
    public static partial void AgentRefused(ILogger logger, string agent, int held, int agents, int users, int refused);

    [LoggerMessage(
        EventId = 6561,
        Level = LogLevel.Warning,
        Message = "Refused {Refused} authenticated connection(s) over budget with 503 (the last of a user: the users' pool is full; agents hold {Agents}, users {Users})")]
    public static partial void UserRefused(ILogger logger, int agents, int users, int refused);
}
