using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>What the relay hub reports (event ids 1010–1019).</summary>
internal static partial class RelayHubLog
{
    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "A newer relay of agent {Agent} from {Remote} replaced the one from {Previous} (a reconnection, or another holder of the agent's token)")]
    public static partial void RelayReplaced(this ILogger logger, string agent, string remote, string previous);
}
