using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Replicas;

/// <summary>What the replicas' fan-out of agent changes reports (event ids 6590–6609).</summary>
internal static partial class ReplicaFanOutLog
{
    [LoggerMessage(EventId = 6590, Level = LogLevel.Information, Message = "Replica {Replica}: sending and receiving the changes of {Agents} agent(s) on the database's channel")]
    public static partial void FanOutStarted(this ILogger logger, Guid replica, int agents);

    [LoggerMessage(EventId = 6591, Level = LogLevel.Warning, Message = "Changes for the peer replicas dropped from agent {Agent} ({Kind}) on: more than {Bytes} bytes wait for the database; the peers see the gap and read the database")]
    public static partial void OutboxOverflowed(this ILogger logger, string agent, AgentChangeKind kind, long bytes);

    [LoggerMessage(EventId = 6592, Level = LogLevel.Warning, Message = "Sending changes to the peer replicas failed, {Changes} change(s) dropped (the peers see the gap and read the database): {Reason}")]
    public static partial void NotifyFailed(this ILogger logger, int changes, string reason);

    [LoggerMessage(EventId = 6593, Level = LogLevel.Information, Message = "Listening to the peer replicas' changes; reading every agent from the database")]
    public static partial void ListenerConnected(this ILogger logger);

    [LoggerMessage(EventId = 6594, Level = LogLevel.Warning, Message = "Listening to the peer replicas' changes failed, again in {Delay}: {Reason}")]
    public static partial void ListenerLost(this ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 6595, Level = LogLevel.Information, Message = "Changes of replica {Replica} were lost on the way; reading every agent from the database")]
    public static partial void PeerGap(this ILogger logger, Guid replica);

    [LoggerMessage(EventId = 6596, Level = LogLevel.Warning, Message = "A notification of {Length} characters on the replicas' channel is not a replica's change; ignored")]
    public static partial void PayloadIgnored(this ILogger logger, int length);

    [LoggerMessage(EventId = 6597, Level = LogLevel.Warning, Message = "Reading the agents from the database failed; the next gap or reconnect tries again: {Reason}")]
    public static partial void ReloadFailed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 6598, Level = LogLevel.Information, Message = "Agents read from the database after {Reason}: {Reloaded} reloaded, {Skipped} skipped (they call this replica)")]
    public static partial void AgentsReloaded(this ILogger logger, string reason, int reloaded, int skipped);

    [LoggerMessage(EventId = 6599, Level = LogLevel.Warning, Message = "Asking the database which replicas hold the agents' relays failed; tried again at the next interval: {Reason}")]
    public static partial void LivenessCheckFailed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 6600, Level = LogLevel.Information, Message = "Agent {Agent}: replica {Replica}, which held its relay, stopped beating; the relay shows disconnected")]
    public static partial void RemoteRelayGone(this ILogger logger, string agent, Guid replica);

    [LoggerMessage(EventId = 6601, Level = LogLevel.Debug, Message = "Replica {Replica} sent a change of agent {Agent}, which this replica's workspace does not list; ignored")]
    public static partial void UnknownAgentChange(this ILogger logger, Guid replica, string agent);
}
