using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>What a replica reports about its registration (event ids 6570–6579).</summary>
internal static partial class ReplicaLog
{
    [LoggerMessage(EventId = 6570, Level = LogLevel.Information, Message = "Replica {Replica} registered at {Address}")]
    public static partial void ReplicaRegistered(this ILogger logger, Guid replica, Uri address);

    [LoggerMessage(EventId = 6571, Level = LogLevel.Warning, Message = "Replica {Replica}: its row was gone from the database; registered again at {Address}")]
    public static partial void ReplicaRegisteredAgain(this ILogger logger, Guid replica, Uri address);

    [LoggerMessage(EventId = 6572, Level = LogLevel.Warning, Message = "Replica {Replica}: heartbeat failed, tried again at the next interval: {Reason}")]
    public static partial void ReplicaHeartbeatFailed(this ILogger logger, Guid replica, string reason);

    [LoggerMessage(EventId = 6573, Level = LogLevel.Information, Message = "Replica {Replica} unregistered")]
    public static partial void ReplicaUnregistered(this ILogger logger, Guid replica);

    [LoggerMessage(EventId = 6574, Level = LogLevel.Warning, Message = "Replica {Replica} could not unregister (its peers see it gone once its heartbeat times out): {Reason}")]
    public static partial void ReplicaUnregisterFailed(this ILogger logger, Guid replica, string reason);
}
