using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>How relays are reached across replicas: claims, forwarded streams, peers refused (event ids 6610–6629).</summary>
internal static partial class RelayRoutingLog
{
    [LoggerMessage(EventId = 6610, Level = LogLevel.Debug, Message = "Relay of agent {Agent} claimed for this replica")]
    public static partial void RelayClaimed(this ILogger logger, string agent);

    [LoggerMessage(EventId = 6611, Level = LogLevel.Warning, Message = "Relay of agent {Agent} could not be claimed (the other replicas cannot reach it); trying again in {Seconds:0.#} s: {Reason}")]
    public static partial void RelayClaimFailed(this ILogger logger, string agent, double seconds, string reason);

    [LoggerMessage(EventId = 6612, Level = LogLevel.Warning, Message = "Relay of agent {Agent} could not be released (its claim expires with this replica's heartbeat): {Reason}")]
    public static partial void RelayReleaseFailed(this ILogger logger, string agent, string reason);

    [LoggerMessage(EventId = 6613, Level = LogLevel.Debug, Message = "Stream to port {Port} of agent {Agent} forwarded to replica {Replica} at {Address}")]
    public static partial void StreamForwarded(this ILogger logger, int port, string agent, Guid replica, Uri address);

    [LoggerMessage(EventId = 6614, Level = LogLevel.Information, Message = "Stream to port {Port} of agent {Agent} not forwarded to replica {Replica} at {Address}: {Reason}")]
    public static partial void StreamNotForwarded(this ILogger logger, int port, string agent, Guid replica, Uri address, string reason);

    [LoggerMessage(EventId = 6615, Level = LogLevel.Warning, Message = "Replica stream request from {Remote} refused: {Reason} ({Count} refusals since the last warning)")]
    public static partial void ReplicaRefused(this ILogger logger, string remote, string reason, long count);

    [LoggerMessage(EventId = 6616, Level = LogLevel.Debug, Message = "Replica {Replica} opened a stream to port {Port} of agent {Agent} (stream {StreamId})")]
    public static partial void ReplicaStreamOpened(this ILogger logger, Guid replica, int port, string agent, uint streamId);

    [LoggerMessage(EventId = 6617, Level = LogLevel.Warning, Message = "Connections of replicas at their cap ({Held}); refused ({Count} refusals since the last warning)")]
    public static partial void ReplicaConnectionsFull(this ILogger logger, int held, long count);
}
