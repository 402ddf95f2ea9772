namespace Agent.Runtime.ControlPlane.Replicas;

/// <summary>What a payload was to the <see cref="ReplicaInbox"/>.</summary>
internal enum InboxResultKind
{
    /// <summary>This replica's own: ignored.</summary>
    Own,

    /// <summary>A part of a change still in assembly.</summary>
    Partial,

    /// <summary>Not a replica's message, or a change that cannot be read: ignored (logged).</summary>
    Malformed,

    /// <summary>A peer's change, complete, in sequence.</summary>
    Change,

    /// <summary>Something of the peer's was lost: reload from the database.</summary>
    Gap,
}
