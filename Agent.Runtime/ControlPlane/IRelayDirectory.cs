namespace Agent.Runtime.ControlPlane;

/// <summary>
/// Where the agents' relays are among the replicas of one control plane: this replica records the relays it holds,
/// finds the replica that holds any other, and tells its peers from strangers. <see cref="LocalRelayDirectory"/> (one
/// process, no peers) is the default; the database's directory implements it for replicas of one PostgreSQL database.
/// </summary>
public interface IRelayDirectory
{
    /// <summary>What this replica shows its peers when it opens a stream through them; <c>null</c> while it has no peers.</summary>
    ReplicaCredentials? Self { get; }

    /// <summary>Records that this replica holds <paramref name="agent"/>'s relay now (replacing any other claim).</summary>
    Task ClaimAsync(string agent, CancellationToken cancellationToken);

    /// <summary>Forgets this replica's claim of <paramref name="agent"/>'s relay (a newer claim of another replica stays).</summary>
    Task ReleaseAsync(string agent, CancellationToken cancellationToken);

    /// <summary>The live replica other than this one that holds <paramref name="agent"/>'s relay, or <c>null</c>.</summary>
    /// <exception cref="RelayOpenException">The directory cannot be read (503).</exception>
    Task<RelayOwner?> OwnerAsync(string agent, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="replica"/> is a live replica of this control plane whose secret is <paramref name="token"/>.</summary>
    /// <exception cref="RelayOpenException">The directory cannot be read (503).</exception>
    Task<bool> IsPeerAsync(Guid replica, string token, CancellationToken cancellationToken);
}
