using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>What the control plane reports about itself and the agents' reports it drops (event ids 6240–6279).</summary>
internal static partial class ControlPlaneLog
{
    /// <summary>Where the control plane listens and for which agents; the names are joined only when the line is written.</summary>
    public static void ControlPlaneListening(this ILogger logger, Uri address, IReadOnlyList<ControlPlaneAgent> agents)
    {
        if (logger.IsEnabled(LogLevel.Information))
            logger.ControlPlaneListening(address, agents.Count, string.Join(", ", agents.Select(agent => agent.Name)), new Uri(address, "login"));
    }

    [LoggerMessage(EventId = 6241, Level = LogLevel.Information, Message = "Control plane stopped")]
    public static partial void ControlPlaneStopped(this ILogger logger);

    [LoggerMessage(EventId = 6242, Level = LogLevel.Warning, Message = "Agent {Agent}: {Source} logs refused, the agent's logs reached {Limit} bytes")]
    public static partial void LogsRefused(this ILogger logger, string agent, string source, int limit);

    [LoggerMessage(EventId = 6243, Level = LogLevel.Debug, Message = "Agent {Agent}: metadata key {Key} is not in the manifest, dropped")]
    public static partial void MetadataKeyDropped(this ILogger logger, string agent, string key);

    [LoggerMessage(EventId = 6244, Level = LogLevel.Information, Message = "Web terminal {Id} of agent {Agent} connected")]
    public static partial void WebTerminalConnected(this ILogger logger, string id, string agent);

    [LoggerMessage(EventId = 6245, Level = LogLevel.Information, Message = "Web terminal {Id} of agent {Agent} disconnected")]
    public static partial void WebTerminalDisconnected(this ILogger logger, string id, string agent);

    [LoggerMessage(EventId = 6240, Level = LogLevel.Information, Message = "Control plane listening on {Address} for {Agents} agent(s): {Names}; the dashboard signs people in at {Login} with a user token")]
    private static partial void ControlPlaneListening(this ILogger logger, Uri address, int agents, string names, Uri login);
}
