using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>What the relay hub and the relay's endpoints report (event ids 1010–1019, 6060–6079).</summary>
internal static partial class RelayHubLog
{
    private static readonly Func<ILogger, string, IDisposable?> RelayScope = LoggerMessage.DefineScope<string>("Relay of agent {Agent}");

    private static readonly Func<ILogger, string, uint, IDisposable?> StreamScope = LoggerMessage.DefineScope<string, uint>("Agent {Agent}, relayed stream {StreamId}");

    /// <summary>A scope for everything logged about one agent's relay (its yamux session's lines included).</summary>
    public static IDisposable? BeginRelayScope(this ILogger logger, string agent) => RelayScope(logger, agent);

    /// <summary>A scope for everything logged about one relayed stream of an agent.</summary>
    public static IDisposable? BeginStreamScope(this ILogger logger, string agent, uint streamId) => StreamScope(logger, agent, streamId);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "A newer relay of agent {Agent} from {Remote} replaced the one from {Previous} (a reconnection, or another holder of the agent's token)")]
    public static partial void RelayReplaced(this ILogger logger, string agent, string remote, string previous);

    [LoggerMessage(EventId = 6060, Level = LogLevel.Information, Message = "Relay of agent {Agent} connected")]
    public static partial void RelayConnected(this ILogger logger, string agent);

    [LoggerMessage(EventId = 6061, Level = LogLevel.Information, Message = "Relay of agent {Agent} disconnected: {Reason}")]
    public static partial void RelayDisconnected(this ILogger logger, string agent, string reason);

    [LoggerMessage(EventId = 6062, Level = LogLevel.Information, Message = "Events of agent {Agent} not followed: {Reason}")]
    public static partial void AgentEventsNotFollowed(this ILogger logger, string agent, string reason);

    [LoggerMessage(EventId = 6063, Level = LogLevel.Debug, Message = "Client connected to port {Port} of agent {Agent} (stream {StreamId})")]
    public static partial void ClientConnected(this ILogger logger, int port, string agent, uint streamId);

    [LoggerMessage(EventId = 6064, Level = LogLevel.Information, Message = "{What} ended (stream {StreamId}): {Reason}")]
    public static partial void RelayedStreamEnded(this ILogger logger, string what, uint streamId, string reason);
}
