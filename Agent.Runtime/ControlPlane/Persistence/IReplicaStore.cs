namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// The replicas that share one database, and which of them holds each agent's relay. A replica whose heartbeat is
/// older than the timeout a reader passes counts as gone, and so does every relay it held: stale ownership expires
/// without anyone cleaning up after a killed process. Each call is one transaction; a failure throws
/// <see cref="ControlPlaneDatabaseException"/>.
/// </summary>
public interface IReplicaStore
{
    /// <summary>Whether other processes can share this store (PostgreSQL); SQLite's belongs to one process, which has no peers.</summary>
    bool IsShared { get; }

    /// <summary>Adds (or refreshes) <paramref name="self"/>, heartbeat now.</summary>
    Task RegisterAsync(ReplicaIdentity self, CancellationToken cancellationToken);

    /// <summary>Says replica <paramref name="id"/> is alive now; <c>false</c> when its row is gone (then register again).</summary>
    Task<bool> HeartbeatAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Removes replica <paramref name="id"/> and the relays it held (a replica that stops cleanly).</summary>
    Task UnregisterAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The replicas whose heartbeat is younger than <paramref name="timeout"/>, by id.</summary>
    Task<IReadOnlyList<ReplicaRecord>> LiveAsync(TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Records that replica <paramref name="replica"/> holds <paramref name="agent"/>'s relay now (replacing any other).</summary>
    Task ClaimRelayAsync(string agent, Guid replica, CancellationToken cancellationToken);

    /// <summary>Forgets <paramref name="agent"/>'s relay if replica <paramref name="replica"/> still holds it (a newer claim stays).</summary>
    Task ReleaseRelayAsync(string agent, Guid replica, CancellationToken cancellationToken);

    /// <summary>Every agent whose relay a live replica (heartbeat younger than <paramref name="timeout"/>) holds, with that replica.</summary>
    Task<IReadOnlyDictionary<string, Guid>> RelayOwnersAsync(TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>The live replica (heartbeat younger than <paramref name="timeout"/>) that holds <paramref name="agent"/>'s relay, or <c>null</c>.</summary>
    Task<ReplicaRecord?> RelayOwnerAsync(string agent, TimeSpan timeout, CancellationToken cancellationToken);
}
